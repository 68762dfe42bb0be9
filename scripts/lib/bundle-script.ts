/**
 * Bundles a TypeScript script with its dependencies into one ES module for plain `node`. The
 * benchmarks run their measured processes this way so that they measure the code, not the
 * TypeScript loader (under tsx a process carries the loader's own memory and start-up).
 */
import { build, type Plugin } from "esbuild";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** Bundled CommonJS dependencies call require(); this gives the ES module one. */
export const REQUIRE_BANNER =
  "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/**
 * Which builds of a package esbuild takes: the ES build where there is one, which it can
 * tree-shake (the AWS SDK's among them), else the CommonJS one.
 */
export const PREFER_ES_BUILDS = ["module", "main"];

/** A file of an installed package (node_modules/.cache and the like are not packages). */
const INSIDE_A_PACKAGE = /[\\/]node_modules[\\/](?!\.)/;

/**
 * Gives each of the project's own modules its own `import.meta.dirname` and
 * `import.meta.filename`, the source file's, so that paths relative to a module still work
 * from a bundle written anywhere. Dependencies are left as they are.
 */
const sourceLocationPlugin: Plugin = {
  name: "source-location",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async ({ path: file }) => {
      if (INSIDE_A_PACKAGE.test(file)) return undefined;
      // Spelled in two parts so that this file, when bundled, does not rewrite its own strings.
      const meta = "import" + ".meta";
      const contents = (await readFile(file, "utf8"))
        .replaceAll(`${meta}.dirname`, JSON.stringify(path.dirname(file)))
        .replaceAll(`${meta}.filename`, JSON.stringify(file));
      return { contents, loader: "ts" };
    });
  },
};

/** Writes `entry` and everything it imports to `outfile`. */
export async function bundleScript(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false, // readable stack traces; size does not matter here
    mainFields: PREFER_ES_BUILDS, // the same SDK code as the handlers' bundles
    banner: { js: REQUIRE_BANNER },
    plugins: [sourceLocationPlugin],
    logLevel: "warning",
  });
}
