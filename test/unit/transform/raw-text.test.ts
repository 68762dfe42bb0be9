import { InvalidSnapshotError } from "../../../functions/transform/errors";
import { decodeRawText, firstInvalidUtf8Offset } from "../../../functions/transform/raw-text";

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe("decodeRawText", () => {
  it("drops a leading byte order mark and keeps non-Latin text", () => {
    // Act
    const text = decodeRawText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":"日本 ☕"}')]), "f");

    // Assess
    expect(text).toBe('{"a":"日本 ☕"}');
  });

  it.each([
    ["a Latin-1 byte", [...utf8('{"a":"caf'), 0xe9, ...utf8('"}')], 9, 0xe9],
    ["a truncated sequence at the end", [...utf8('{"a":"'), 0xe2, 0x98], 6, 0xe2],
    ["a stray continuation byte after a BOM", [0xef, 0xbb, 0xbf, 0x7b, 0x80], 4, 0x80],
    ["an overlong encoding", [...utf8("ab"), 0xc0, 0xaf], 2, 0xc0],
  ])("fails %s, naming the byte and its offset", (_, data, offset, byte) => {
    // Act
    const act = () => decodeRawText(new Uint8Array(data), "raw_data/to_process/p.json");

    // Assess
    expect(act).toThrow(InvalidSnapshotError);
    expect(act).toThrow(
      `raw_data/to_process/p.json is not valid UTF-8: byte 0x${byte.toString(16)} at byte offset ${offset} `,
    );
  });

  it("finds the bad byte past a U+FFFD the file really holds", () => {
    // Prepare: a genuine replacement character, then a bad byte
    const data = new Uint8Array([...utf8("x\uFFFDy"), 0xff]);

    // Act
    const offset = firstInvalidUtf8Offset(data);

    // Assess
    expect(offset).toBe(5);
  });
});
