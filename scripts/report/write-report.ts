/** Writes the report file: query the lake, render the page, save it. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freshnessOf, type Freshness } from "./freshness";
import { renderReport } from "./html";
import type { LakeSource } from "./lake-source";
import { vegaLibraries } from "./libraries";
import { localLakeSource } from "./lake-source";
import { loadReportData } from "./queries";

/** The local report's file name, inside the lake folder it describes (replaced with the lake). */
export const LOCAL_REPORT_NAME = "report.html";

/** What was written. */
export interface WrittenReport {
  path: string;
  /** `file://` URL to open in a browser. */
  url: string;
  bytes: number;
  freshness: Freshness;
}

/**
 * Queries `source`, renders the page as of `now` and writes it to `out` (folders created).
 * @throws Error when the lake has no snapshot tables yet or a query fails (see loadReportData).
 */
export async function writeReport(
  source: LakeSource,
  out: string,
  now: Date,
): Promise<WrittenReport> {
  const data = await loadReportData(source);
  const html = renderReport(data, { now, libraries: vegaLibraries() });
  const file = path.resolve(out);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, html);
  return {
    path: file,
    url: pathToFileURL(file).href,
    bytes: Buffer.byteLength(html),
    freshness: freshnessOf(data, now),
  };
}

/**
 * The local lake's report, written to `<lakeDir>/report.html` (what `make demo` ends with).
 * @throws Error when `lakeDir` holds no lake, or as {@link writeReport}.
 */
export async function writeLocalReport(lakeDir: string, now: Date): Promise<WrittenReport> {
  const source = await localLakeSource(lakeDir);
  try {
    return await writeReport(source, path.join(lakeDir, LOCAL_REPORT_NAME), now);
  } finally {
    source.close();
  }
}
