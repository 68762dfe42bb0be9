/**
 * Bundles a TypeScript script with its dependencies into one ES module for plain `node`. The
 * benchmarks run their measured processes this way so that they measure the code, not the
 * TypeScript loader (under tsx a process starts with about 60 MB more RSS).
 */
import { build } from "esbuild";
import path from "node:path";

/** Bundled CommonJS dependencies call require(); this gives the ES module one. */
export const REQUIRE_BANNER =
  "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/**
 * Writes `entry` and everything it imports to `outfile`. `import.meta.dirname` and
 * `import.meta.filename` keep the source's values, so paths relative to the script still work
 * wherever the bundle is written.
 */
export async function bundleScript(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false, // readable stack traces; size does not matter here
    banner: { js: REQUIRE_BANNER },
    define: {
      "import.meta.dirname": JSON.stringify(path.dirname(entry)),
      "import.meta.filename": JSON.stringify(entry),
    },
    logLevel: "warning",
  });
}
