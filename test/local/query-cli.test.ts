/**
 * `make query`'s command line (scripts/query.ts, run as `make query ARGS="--lake DIR"` runs it):
 * a lake that lacks what a query reads is refused with what it holds and where the tables come from.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildLake } from "../support/report-lake";

const ROOT = path.resolve(import.meta.dirname, "../..");

function query(...args: string[]) {
  const run = spawnSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    [path.join(ROOT, "scripts/query.ts"), ...args],
    { encoding: "utf8" },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("scripts/query.ts", () => {
  let lakeDir: string;

  beforeAll(async () => {
    lakeDir = await mkdtemp(path.join(tmpdir(), "query-cli-"));
    // A chart-only lake, as `make import-charts TARGET=local` alone leaves it.
    await buildLake(lakeDir, {
      playlists: [],
      charts: [{ chart: "regional-global-daily", firstDay: "2024-04-22", days: 1, rowsPerDay: 3 }],
    });
  });
  afterAll(async () => {
    await rm(lakeDir, { recursive: true, force: true });
  });

  it("says a playlist query's tables come from snapshots, which a chart-only lake lacks", () => {
    // Act
    const run = query("latest_chart", "--lake", lakeDir);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `latest_chart reads songs, artists, and the lake at ${lakeDir} has none of them ` +
        "(it holds chart_positions). songs, artists come from playlist snapshots: " +
        `\`make demo ARGS="--lake ${lakeDir}"\` writes a lake with them (replacing this one's files)`,
    );
  }, 60_000);

  it("names the make form of --lake when there is no lake", () => {
    // Act
    const run = query("latest_chart", "--lake", path.join(lakeDir, "nothing"));

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('`make query Q=latest_chart ARGS="--lake DIR"`');
  }, 60_000);
});
