/**
 * A raw object's bytes as text (docs/DESIGN.md, "What transform accepts"): UTF-8, a byte order mark
 * at the start accepted and dropped, anything that is not UTF-8 refused. Decoding with
 * replacement would write U+FFFD into the tables in place of whatever the file really held.
 */
import { InvalidSnapshotError } from "./errors";

const REPLACEMENT = "\uFFFD";
// Fatal: an invalid sequence throws instead of becoming U+FFFD. ignoreBOM false: a leading BOM
// is dropped (JSON.parse would refuse it).
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/**
 * Decodes `bytes` as UTF-8 without a byte order mark.
 * @param name - What to call the file in the error, e.g. its key.
 * @throws {InvalidSnapshotError} When the bytes are not valid UTF-8, naming the offset of the
 *   first byte that is not.
 */
export function decodeRawText(bytes: Uint8Array, name: string): string {
  try {
    return strict.decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new InvalidSnapshotError(
      `${name} is not valid UTF-8: byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, "0")} ` +
        `at byte offset ${offset} starts no valid character; save the file as UTF-8 and upload or convert it again`,
      { cause: error },
    );
  }
}

/**
 * The offset of the first byte of `bytes` that starts no valid UTF-8 sequence, or its length
 * when every byte does. Only called once decoding failed, so the second, lenient decode costs
 * nothing on the good path: the first U+FFFD it made that the bytes do not spell (EF BF BD)
 * marks the place, and the UTF-8 length of the text before it is its offset.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const text = lenient.decode(bytes);
  const bomBytes = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let offset = bomBytes;
  let from = 0;
  for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at), "utf8");
    from = at;
    const spelled =
      bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
    if (!spelled) return offset;
  }
  return bytes.length;
}
