/**
 * `make transform-files ARGS="--out DIR [--date YYYY-MM-DD] FILE_OR_FOLDER..."`
 * Converts raw Spotify JSON files and Spotify Charts CSV exports you already have into the data
 * lake's Parquet layout, one
 * worker thread per core. `make build` bundles it into dist/transform-files.mjs, which the
 * make and npm targets run with plain node (no TypeScript loader to start on every run).
 */
import { isMainThread } from "node:worker_threads";
import { expandInputs } from "./lib/input-files";
import { serveTransformWorker, transformFiles } from "./lib/transform-files";
import { EXIT, parseFlags, runCommand, UsageError } from "./ops/cli";

const USAGE = 'usage: make transform-files ARGS="--out DIR [--date YYYY-MM-DD] FILE_OR_FOLDER..."';

async function main(): Promise<number> {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { out: { type: "string" }, date: { type: "string" }, help: { type: "boolean", short: "h" } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (!values.out || positionals.length === 0) throw new UsageError(USAGE);

  const results = await transformFiles(await expandInputs(positionals), {
    outDir: values.out,
    snapshotDate: values.date,
    // This same file is the workers' script.
    workerScript: new URL(import.meta.url),
  });
  for (const result of results) {
    if (result.ok) {
      const { rows, skipped, snapshotDate } = result.summary;
      const skippedText = Object.entries(skipped)
        .filter(([, count]) => count > 0)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(", ");
      const rowsText =
        rows.chart_positions !== undefined
          ? `${rows.chart_positions} chart positions`
          : `${rows.songs} songs, ${rows.albums} albums, ${rows.artists} artists`;
      console.log(
        `ok   ${result.file} -> snapshot_date=${snapshotDate}: ${rowsText}` +
          (skippedText ? `; skipped ${skippedText}` : ""),
      );
    } else {
      console.error(`FAIL ${result.file}: ${result.error}`);
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(
    `${results.length - failed} file(s) written under ${values.out}/transformed_data/, ${failed} failed`,
  );
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

if (isMainThread) await runCommand(main);
else serveTransformWorker();
