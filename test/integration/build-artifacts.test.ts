import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readZipEntries, readZipModes } from "../support/zip";

const ROOT = path.resolve(import.meta.dirname, "../..");
const build = (...names: string[]) =>
  execFileSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    [path.join(ROOT, "scripts/build.ts"), ...names],
    { stdio: "ignore" },
  );

describe("build artifacts (the zips Terraform deploys)", () => {
  let builtAfter: number;
  beforeAll(() => {
    // Build now, so the zips tested are the current code's (a bare `jest` run has no `make build`).
    builtAfter = Date.now();
    build();
  }, 120_000);

  it.each(["extract", "transform"])(
    "dist/%s.zip holds one ES module, index.mjs, exporting handler",
    async (name) => {
      // Prepare
      const zip = path.join(ROOT, "dist", `${name}.zip`);
      const entries = await readZipEntries(zip);
      const dir = await mkdtemp(path.join(tmpdir(), `${name}-zip-`));
      await writeFile(path.join(dir, "index.mjs"), entries.get("index.mjs")!);

      // Act: import it in a fresh Node process, as the Lambda runtime would.
      const exported = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(path.join(dir, "index.mjs"))}); console.log(typeof m.handler);`,
        ],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: "",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          },
        },
      ).toString();
      await rm(dir, { recursive: true, force: true });

      // Assess
      expect([...entries.keys()]).toEqual(["index.mjs"]);
      // Lambda needs the files of a deployment package readable by all (global read).
      expect((await readZipModes(zip)).get("index.mjs")! & 0o444).toBe(0o444);
      expect(exported.trim()).toBe("function");
      expect(entries.get("index.mjs")!.toString("utf8")).not.toContain("@duckdb/node-api");
    },
  );

  it("also bundles dist/transform-files.mjs when no function is named", async () => {
    expect((await stat(path.join(ROOT, "dist/transform-files.mjs"))).mtimeMs).toBeGreaterThan(
      builtAfter,
    );
  });

  it("builds the same zip bytes again from the same code (Terraform's source_code_hash)", async () => {
    // Prepare
    const zip = path.join(ROOT, "dist/extract.zip");
    const before = await readFile(zip);

    // Act
    build("extract");

    // Assess
    expect(Buffer.compare(await readFile(zip), before)).toBe(0);
  }, 60_000);
});
