/**
 * `make build`: bundles each Lambda handler with esbuild into one ES module and zips it as
 * `dist/<name>.zip` holding `index.mjs` (the Build artifacts contract). The zip is
 * reproducible (fixed timestamps), so Terraform's `source_code_hash` changes only with the code.
 * Also bundles the `transform-files` command into dist/transform-files.mjs for plain node.
 */
import { build } from "esbuild";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import yazl from "yazl";

/** The Lambda functions; each has `functions/<name>/handler.ts` exporting `handler`. */
const FUNCTION_NAMES = ["extract", "transform"] as const;

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT_DIR = path.join(ROOT, "dist");
const FIXED_MTIME = new Date("2020-01-01T00:00:00Z");
/** The command-line converter's source and its bundle. */
const TRANSFORM_FILES = {
  entry: path.join(ROOT, "scripts/transform-files.ts"),
  outfile: path.join(OUT_DIR, "transform-files.mjs"),
};

/** Bundled CommonJS dependencies call require(); this gives the ES module one. */
const REQUIRE_BANNER =
  "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/**
 * Replaces `file` by a rename, so that a reader at the same moment (`terraform test` hashing a
 * zip beside a test that rebuilds it) sees the old file or the new one, never half of one.
 */
async function replaceFile(file: string, write: (temporary: string) => Promise<void>) {
  const temporary = `${file}.${process.pid}.tmp`;
  await write(temporary);
  await rename(temporary, file);
}

/** One ES module of `entry` and all it imports; the ES build of a package where there is one. */
async function bundle(entry: string, outfile: string): Promise<void> {
  const { outputFiles } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    // ES builds tree-shake (the AWS SDK's among them); CommonJS where a package has no other.
    mainFields: ["module", "main"],
    sourcemap: false,
    legalComments: "none",
    banner: { js: REQUIRE_BANNER },
    logLevel: "warning",
    write: false,
  });
  await mkdir(path.dirname(outfile), { recursive: true });
  await replaceFile(outfile, (temporary) => writeFile(temporary, outputFiles[0]!.contents));
}

async function zipFile(source: string, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(await readFile(source), "index.mjs", { mtime: FIXED_MTIME, mode: 0o100644 });
  zip.end();
  await replaceFile(
    zipPath,
    (temporary) =>
      new Promise<void>((resolve, reject) => {
        zip.outputStream
          .pipe(createWriteStream(temporary))
          .on("close", resolve)
          .on("error", reject);
      }),
  );
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  // `tsx scripts/build.ts transform` builds just that one.
  const requested = process.argv.slice(2);
  const names = requested.length
    ? FUNCTION_NAMES.filter((name) => requested.includes(name))
    : FUNCTION_NAMES;
  for (const name of names) {
    const started = performance.now();
    const bundled = path.join(OUT_DIR, name, "index.mjs");
    await bundle(path.join(ROOT, "functions", name, "handler.ts"), bundled);
    const zipPath = path.join(OUT_DIR, `${name}.zip`);
    await zipFile(bundled, zipPath);
    const { size } = await stat(zipPath);
    const ms = Math.round(performance.now() - started);
    console.log(`built dist/${name}.zip (${(size / 1024).toFixed(0)} KiB) in ${ms} ms`);
  }
  if (requested.length === 0 || requested.includes("transform-files")) {
    await bundle(TRANSFORM_FILES.entry, TRANSFORM_FILES.outfile);
    console.log("built dist/transform-files.mjs");
  }
}

await main();
