/**
 * Every Terraform module has a README (terraform/modules/<name>/README.md) whose Inputs table
 * lists exactly the module's variables, each with the default variables.tf gives it
 * ("required" when it has none), and whose Outputs table lists exactly its outputs: the
 * READMEs cannot drift from the code.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const MODULES_DIR = path.resolve(import.meta.dirname, "../../terraform/modules");
const MODULES = readdirSync(MODULES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface Block {
  name: string;
  body: string;
}

/** The top-level `variable "x" { ... }` or `output "x" { ... }` blocks of an HCL file. */
function blocks(hcl: string, kind: "variable" | "output"): Block[] {
  const pattern = new RegExp(`^${kind} "([A-Za-z0-9_-]+)" \\{\\n([\\s\\S]*?)^\\}`, "gm");
  return [...hcl.matchAll(pattern)].map(([, name = "", body = ""]) => ({ name, body }));
}

/** A variable's default as written on its `default =` line, or undefined when it has none. */
function defaultOf(body: string): string | undefined {
  return /^ {2}default\s*=\s*(.+)$/m.exec(body)?.[1]?.trim();
}

/** The cells of each body row of the table under `## <heading>` (header and rule left out). */
function tableRows(readme: string, heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) return [];
  const end = readme.indexOf("\n## ", start + 1);
  const lines = readme
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .filter((line) => line.startsWith("|"));
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

function read(module: string, file: string): string {
  return readFileSync(path.join(MODULES_DIR, module, file), "utf8");
}

/** The name in a table's first cell, written as code: `name`. */
function nameCell(row: string[]): string {
  return (row[0] ?? "").replace(/^`|`$/g, "");
}

describe("terraform module READMEs", () => {
  it("exist for every module", () => {
    expect(MODULES.length).toBeGreaterThanOrEqual(9);
    expect(MODULES.filter((m) => !existsSync(path.join(MODULES_DIR, m, "README.md")))).toEqual([]);
  });

  describe.each(MODULES)("%s", (module) => {
    const readme = existsSync(path.join(MODULES_DIR, module, "README.md"))
      ? read(module, "README.md")
      : "";

    it("lists every variable once, with its default or `required`", () => {
      const variables = blocks(read(module, "variables.tf"), "variable");
      const rows = tableRows(readme, "Inputs");
      expect(variables.length).toBeGreaterThan(0);
      expect(rows.map(nameCell).sort()).toEqual(variables.map((v) => v.name).sort());
      const documented = new Map(rows.map((row) => [nameCell(row), row[2]]));
      for (const variable of variables) {
        const value = defaultOf(variable.body);
        const expected = value === undefined ? "required" : `\`${value.replaceAll("|", "\\|")}\``;
        expect({ variable: variable.name, default: documented.get(variable.name) }).toEqual({
          variable: variable.name,
          default: expected,
        });
      }
    });

    it("lists every output once", () => {
      const outputs = blocks(read(module, "outputs.tf"), "output");
      expect(outputs.length).toBeGreaterThan(0);
      expect(tableRows(readme, "Outputs").map(nameCell).sort()).toEqual(
        outputs.map((o) => o.name).sort(),
      );
    });
  });
});
