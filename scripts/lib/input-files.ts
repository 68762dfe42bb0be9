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

/**
 * For each file, the earlier file of the list with the same name (by `nameOf`), or undefined:
 * two files of one name would write one key, or one set of output files.
 */
export function earlierFilesOfTheSameName(
  files: readonly string[],
  nameOf: (file: string) => string = (file) => path.basename(file),
): (string | undefined)[] {
  const owners = new Map<string, string>();
  return files.map((file) => {
    const owner = owners.get(nameOf(file));
    if (owner === undefined) owners.set(nameOf(file), file);
    return owner;
  });
}
