import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readZipEntries } from "../support/zip";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("build artifacts (the zips Terraform deploys)", () => {
  beforeAll(() => {
    // Build now, so the zips tested are the current code's (a bare `jest` run has no `make build`).
    execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "scripts/build.ts")], {
      stdio: "ignore",
    });
  }, 120_000);

  it.each(["extract", "transform"])(
    "dist/%s.zip holds one ES module, index.mjs, exporting handler",
    async (name) => {
      // Prepare
      const entries = await readZipEntries(path.join(ROOT, "dist", `${name}.zip`));
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
      expect(exported.trim()).toBe("function");
      expect(entries.get("index.mjs")!.toString("utf8")).not.toContain("@duckdb/node-api");
    },
  );
});
