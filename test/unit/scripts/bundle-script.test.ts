import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleScript } from "../../../scripts/lib/bundle-script";

describe("bundleScript (how the benchmarks run their processes without tsx)", () => {
  let work: string;
  beforeEach(async () => {
    // Inside the checkout, so that the script's packages resolve from its node_modules.
    const cache = path.resolve(import.meta.dirname, "../../../node_modules/.cache");
    await mkdir(cache, { recursive: true });
    work = await mkdtemp(path.join(cache, "bundle-script-"));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("makes one module that plain node runs, each module keeping its own import.meta paths", async () => {
    // Prepare: a TypeScript script that imports a module one folder down and a CommonJS package
    const source = path.join(work, "src");
    await mkdir(path.join(source, "lib"), { recursive: true });
    await writeFile(
      path.join(source, "lib", "greeting.ts"),
      'export const greeting: string = "hello";\nexport const greetingDir = import.meta.dirname;\n',
    );
    await writeFile(
      path.join(source, "main.ts"),
      [
        'import { greeting, greetingDir } from "./lib/greeting";',
        'import yazl from "yazl";',
        "console.log(JSON.stringify({ greeting, greetingDir, dirname: import.meta.dirname,",
        "  filename: import.meta.filename, zip: typeof yazl.ZipFile }));",
      ].join("\n"),
    );
    const outfile = path.join(await mkdtemp(path.join(tmpdir(), "bundled-")), "main.mjs");

    // Act
    await bundleScript(path.join(source, "main.ts"), outfile);
    const printed = execFileSync(process.execPath, [outfile], { env: { PATH: "" } }).toString();

    // Assess
    await rm(path.dirname(outfile), { recursive: true, force: true });
    expect(JSON.parse(printed)).toEqual({
      greeting: "hello",
      greetingDir: path.join(source, "lib"),
      dirname: source,
      filename: path.join(source, "main.ts"),
      zip: "function",
    });
  });
});
