/**
 * `npm run transform-files -- --out DIR [--date YYYY-MM-DD] FILE_OR_FOLDER...`
 * Converts raw Spotify JSON files and Spotify Charts CSV exports you already have into the data
 * lake's Parquet layout.
 */
import { parseArgs } from "node:util";
import { expandInputs, transformFiles } from "./lib/transform-files";

const USAGE = "usage: npm run transform-files -- --out DIR [--date YYYY-MM-DD] FILE_OR_FOLDER...";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    date: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || !values.out || positionals.length === 0) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const results = await transformFiles(await expandInputs(positionals), {
  outDir: values.out,
  snapshotDate: values.date,
});
for (const result of results) {
  if (result.ok) {
    const { tables, skipped, snapshotDate } = result.snapshot;
    const skippedText = Object.entries(skipped)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(", ");
    const rowsText = tables.chart_positions
      ? `${tables.chart_positions.length} chart positions`
      : `${tables.songs?.length} songs, ${tables.albums?.length} albums, ${tables.artists?.length} artists`;
    console.log(
      `ok   ${result.file} -> snapshot_date=${snapshotDate}: ${rowsText}${skippedText ? `; skipped ${skippedText}` : ""}`,
    );
  } else {
    console.error(`FAIL ${result.file}: ${result.error}`);
  }
}
const failed = results.filter((result) => !result.ok).length;
console.log(
  `${results.length - failed} file(s) written under ${values.out}/transformed_data/, ${failed} failed`,
);
process.exitCode = failed > 0 ? 1 : 0;
