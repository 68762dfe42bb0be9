/**
 * The charting libraries the report inlines: the minified browser builds of vega, vega-lite and
 * vega-embed, read from node_modules (their versions are pinned in package.json).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** One library's browser build. */
export interface InlineLibrary {
  name: string;
  version: string;
  source: string;
}

const require = createRequire(import.meta.url);

/**
 * The package's folder: its `exports` hide `package.json` and `build/`, so walk up from the
 * resolved entry point to the `package.json` that names the package.
 */
function packageDir(name: string): { dir: string; version: string } {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name) return { dir, version: String(manifest.version) };
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package folder of ${name}`);
    dir = parent;
  }
}

/**
 * vega, vega-lite and vega-embed in load order. The `sourceMappingURL` comments are dropped:
 * the maps are not inlined, and a browser's developer tools would try to fetch them.
 * @throws Error when a package or its minified build is missing (run `make deps`).
 */
export function vegaLibraries(): InlineLibrary[] {
  return ["vega", "vega-lite", "vega-embed"].map((name) => {
    const { dir, version } = packageDir(name);
    const source = readFileSync(path.join(dir, "build", `${name}.min.js`), "utf8").replace(
      /\/\/# sourceMappingURL=\S*\s*$/,
      "",
    );
    return { name, version, source };
  });
}
