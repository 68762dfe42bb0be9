/**
 * `make demo`'s own lines (scripts/demo.ts, run as `make demo ARGS=...` runs it): what each stage
 * says it did, and the `make query` command that reads the lake it wrote.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("scripts/demo.ts", () => {
  let lakeDir: string;
  let stdout: string;

  beforeAll(async () => {
    lakeDir = await mkdtemp(path.join(tmpdir(), "demo-lake-"));
    const run = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      // The chart exports go under the temporary folder too, not into the repository's .local/.
      [
        path.join(ROOT, "scripts/demo.ts"),
        ...["--days", "2", "--lake", lakeDir, "--charts-dir", path.join(lakeDir, "charts")],
      ],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(run.status).toBe(0);
    stdout = run.stdout;
  }, 120_000);
  afterAll(async () => {
    await rm(lakeDir, { recursive: true, force: true });
  });

  it("names as many chart exports as days, and counts the objects transformed, not S3's test event", () => {
    expect(stdout).toContain("✔ Import chart files (2 daily Top 200 Global exports,");
    // 2 snapshots and 2 chart files; the poller also handled the s3:TestEvent.
    expect(stdout).toMatch(
      /: \d+ batches, 4 objects transformed, 0 failed attempts, 4 S3 notifications sent$/m,
    );
  });

  it("says how to query the lake it wrote when that is not .lake/", () => {
    expect(stdout).toContain(
      `Query it again with \`make query Q=<name> ARGS="--lake ${lakeDir}"\``,
    );
    expect(stdout).toMatch(/more rows \(make query Q=latest_chart ARGS="--lake [^"]+"\)$/m);
  });
});
