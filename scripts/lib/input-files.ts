/** The files a command was given: named files, and the matching files inside named folders. */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { RAW_SUFFIXES } from "../../functions/shared/s3-layout";

/**
 * Expands folders to the files directly inside them that end in one of `suffixes` (default: the
 * raw `.json` and `.csv`), sorted; named files stay as given, in the given order.
 */
export async function expandInputs(
  inputs: string[],
  suffixes: readonly string[] = RAW_SUFFIXES,
): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    if ((await stat(input)).isDirectory()) {
      const names = (await readdir(input))
        .filter((name) => suffixes.some((suffix) => name.endsWith(suffix)))
        .sort();
      files.push(...names.map((name) => path.join(input, name)));
    } else {
      files.push(input);
    }
  }
  return files;
}
