/**
 * The Jest `unit` project stays in process (docs/adr/0059-test-and-lint-tooling.md): no test
 * file it runs, nor any module such a file imports from the repository, starts an emulator,
 * serves or calls HTTP, or spawns a process. A test that needs one of those belongs in the
 * INTEGRATION list of jest.config.js. Read from the real config, so a new test file is checked
 * the moment it lands in the wrong project.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FUNCTIONS = path.join(ROOT, "functions") + path.sep;

/** What jest.config.js declares for one project, as far as this test reads it. */
interface ProjectConfig {
  displayName: string;
  testPathIgnorePatterns?: string[];
  testRegex?: string[];
}

const config = (await import(pathToFileURL(path.join(ROOT, "jest.config.js")).href)) as {
  default: { projects: ProjectConfig[] };
};
const project = (name: string): ProjectConfig => {
  const found = config.default.projects.find((p) => p.displayName === name);
  if (!found) throw new Error(`jest.config.js has no project "${name}"`);
  return found;
};

const testFiles = readdirSync(path.join(ROOT, "test"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => path.join(ROOT, "test", f))
  .sort();

const integrationRegex = (project("integration").testRegex ?? []).map((r) => new RegExp(r));
const unitIgnored = (project("unit").testPathIgnorePatterns ?? []).map((r) => new RegExp(r));
const isIntegration = (file: string) => integrationRegex.some((r) => r.test(file));
const unitFiles = testFiles.filter((f) => !unitIgnored.some((r) => r.test(f)));

/**
 * Imports that mean "not in process": the emulators, child processes, HTTP servers and clients,
 * a browser, and the repository's own wrappers around them.
 */
const OUT_OF_PROCESS: RegExp[] = [
  /^fauxqs$/,
  /^(node:)?(child_process|http|https|net)$/,
  /^playwright-core$/,
  /^axios$/,
  /\/test\/support\/(emulator|moto)\.ts$/,
  /\/scripts\/local\/emulator\.ts$/,
  /\/scripts\/local-spotify-api\/server\.ts$/,
];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** A relative import resolved to the repository file it names, if there is one. */
function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, path.join(base, "index.ts")].find(
    (candidate) => candidate.endsWith(".ts") && existsSync(candidate),
  );
}

/**
 * Every out-of-process import reachable from `file` through the test helpers and tooling
 * (`test/`, `scripts/`), as `module -> import` chains, so a failure names where the import
 * comes from. The functions' own modules are not followed: they import their HTTP and AWS
 * clients, which unit tests replace with fakes and mocks. Type-only imports are left out:
 * they vanish at runtime.
 */
function outOfProcessImports(file: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (module: string, chain: string[]) => {
    if (seen.has(module)) return;
    seen.add(module);
    const source = readFileSync(module, "utf8").replace(/^\s*import\s+type\b[^;]*;/gm, "");
    for (const [, specifier] of source.matchAll(IMPORT)) {
      const local = specifier!.startsWith(".") ? resolveLocal(module, specifier!) : undefined;
      const name = local ?? specifier!;
      const here = [...chain, path.relative(ROOT, module)];
      if (OUT_OF_PROCESS.some((r) => r.test(name))) {
        found.push([...here, local ? path.relative(ROOT, local) : name].join(" -> "));
      } else if (local && !local.startsWith(FUNCTIONS)) {
        visit(local, here);
      }
    }
  };
  visit(file, []);
  return found;
}

describe("Jest projects", () => {
  it("put every test file in exactly one project", () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const notInOne = testFiles.filter((f) => unitFiles.includes(f) === isIntegration(f));
    expect(notInOne).toEqual([]);
  });

  it("name only integration tests that exist", () => {
    const unmatched = integrationRegex.filter((r) => !testFiles.some((f) => r.test(f)));
    expect(unmatched.map(String)).toEqual([]);
  });

  it("keep the unit project free of emulators, HTTP and child processes", () => {
    const offenders = unitFiles.flatMap(outOfProcessImports);
    expect(offenders).toEqual([]);
  });

  it("list as integration only tests that leave the process", () => {
    // The other direction: a test in the slow project that could run in `make unit`. It also
    // shows that the check above recognises every way the integration tests leave the process.
    const inProcess = testFiles
      .filter(isIntegration)
      .filter((f) => outOfProcessImports(f).length === 0)
      .map((f) => path.relative(ROOT, f));
    expect(inProcess).toEqual([]);
  });
});
