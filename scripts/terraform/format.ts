/**
 * `terraform fmt` without a terraform binary: formats every `.tf` file under terraform/ with
 * `@cdktf/hcl-tools` (hclwrite's Format, what `terraform fmt` runs).
 *
 * Usage: `tsx scripts/terraform/format.ts [--check | --write]`. `--check` (the default) lists
 * the files that would change and exits 1 if any would; `--write` rewrites them (`make fmt`).
 */
import { format } from "@cdktf/hcl-tools";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { listTfFiles } from "./checker";

const TERRAFORM_DIR = path.resolve(import.meta.dirname, "../../terraform");

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    write: { type: "boolean", default: false },
  },
});
if (values.check && values.write) {
  console.error("format.ts: pass --check or --write, not both");
  process.exit(2);
}

const changed: string[] = [];
for (const file of listTfFiles(TERRAFORM_DIR)) {
  const absolute = path.join(TERRAFORM_DIR, file);
  const source = readFileSync(absolute, "utf8");
  const formatted = await format(source);
  if (formatted === source) continue;
  changed.push(`terraform/${file}`);
  if (values.write) writeFileSync(absolute, formatted);
}

if (values.write) {
  console.log(
    changed.length ? `formatted ${changed.join(", ")}` : "terraform files already formatted",
  );
} else if (changed.length > 0) {
  console.error(`not formatted (run \`make fmt\`):\n  ${changed.join("\n  ")}`);
  process.exit(1);
} else {
  console.log("terraform files formatted");
}
