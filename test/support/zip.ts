/** Reads the entries of a zip file (the Lambda artifacts in dist/). */
import yauzl from "yauzl";

/** Every entry of the zip at `zipPath`, by name. */
export function readZipEntries(zipPath: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error(`cannot open ${zipPath}`));
      const entries = new Map<string, Buffer>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream)
            return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on("error", reject);
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** Every entry's Unix mode (the high 16 bits of its external attributes), by name. */
export function readZipModes(zipPath: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error(`cannot open ${zipPath}`));
      const modes = new Map<string, number>();
      zip.on("entry", (entry: yauzl.Entry) =>
        modes.set(entry.fileName, entry.externalFileAttributes >>> 16),
      );
      zip.on("end", () => resolve(modes));
      zip.on("error", reject);
    });
  });
}
