/**
 * `make report`'s command line (scripts/report/cli.ts), run as `make` runs it: the report
 * written where asked, the clock taken from `--now`, the stale lake said on stdout, and usage
 * errors (no lake, a bad clock, an unknown target) exiting 2 with a message.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildLake } from "../support/report-lake";

const ROOT = path.resolve(import.meta.dirname, "../..");

function report(...args: string[]) {
  const run = spawnSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    [path.join(ROOT, "scripts/report/cli.ts"), ...args],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("scripts/report/cli.ts", () => {
  let workDir: string;
  let lakeDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), "report-cli-"));
    lakeDir = path.join(workDir, "lake");
    await buildLake(lakeDir, {
      playlists: [
        { id: "p1", name: "P1", firstDay: "2024-04-22", days: 2, songsPerDay: 5, churnPerDay: 1 },
      ],
    });
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("writes the report to --out as of --now and prints its URL", async () => {
    // Prepare
    const out = path.join(workDir, "out", "r.html");

    // Act
    const run = report("--lake", lakeDir, "--out", out, "--now", "2024-04-24T10:00:00Z");

    // Assess
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toContain(`report: open ${pathToFileURL(out).href}`);
    expect(run.stdout).not.toContain("stale");
    const html = await readFile(out, "utf8");
    expect(html).toContain("As of 2024-04-24T10:00:00Z");
    expect(html).toContain('id="fresh-note"');
  }, 60_000);

  it("writes next to the lake by default and says when the lake is stale", async () => {
    // Act
    const run = report("--lake", lakeDir, "--now", "2024-05-01T00:00:00Z");

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/the lake is stale/);
    expect(run.stdout).toContain(pathToFileURL(path.join(lakeDir, "report.html")).href);
  }, 60_000);

  it.each([
    [
      ["--lake", "/nonexistent/lake"],
      /no local lake at \/nonexistent\/lake: run `make demo` first/,
    ],
    [["--now", "yesterday"], /--now must be an ISO date-time, got yesterday/],
    [["--target", "gcp"], /TARGET must be local or aws, got gcp/],
    [["--bogus"], /Unknown option '--bogus'[\s\S]*Usage: tsx scripts\/report\/cli.ts/],
  ])(
    "exits 2 with a message for %j",
    (args, message) => {
      // Act
      const run = report(...args);

      // Assess
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
    },
    60_000,
  );
});
