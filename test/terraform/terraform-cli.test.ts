/**
 * The real terraform binary's checks, when one is on PATH: `terraform fmt -check -recursive`,
 * and `terraform init -backend=false && terraform validate` on a copy of the configuration.
 * Without the binary, or when the provider cannot be downloaded (no network), those tests
 * are skipped with the reason in their names; the offline checks in this folder still run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const TERRAFORM_DIR = path.join(REPO_ROOT, "terraform");

function terraformVersion(): string | undefined {
  try {
    return execFileSync("terraform", ["version", "-json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

function terraform(cwd: string, args: string[]) {
  const result = spawnSync("terraform", args, {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
  });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** A copy of what the root module reads (terraform/, config/, queries/, the dist zips). */
function copyConfiguration(): string {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "spotify-etl-tf-"));
  for (const dir of ["config", "queries"])
    cpSync(path.join(REPO_ROOT, dir), path.join(workDir, dir), { recursive: true });
  cpSync(TERRAFORM_DIR, path.join(workDir, "terraform"), {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}.terraform`) && !source.endsWith(".tfstate"),
  });
  mkdirSync(path.join(workDir, "dist"));
  for (const name of ["extract", "transform"]) {
    const built = path.join(REPO_ROOT, "dist", `${name}.zip`);
    if (existsSync(built)) cpSync(built, path.join(workDir, "dist", `${name}.zip`));
    else writeFileSync(path.join(workDir, "dist", `${name}.zip`), "placeholder");
  }
  return workDir;
}

const version = terraformVersion();
const NETWORK_FAILURE =
  /could not connect to registry|Failed to query available provider packages|no such host|i\/o timeout/;

let workDir: string | undefined;
let init: { status: number | null; output: string } | undefined;
if (version) {
  workDir = copyConfiguration();
  init = terraform(path.join(workDir, "terraform"), [
    "init",
    "-backend=false",
    "-input=false",
    "-no-color",
  ]);
}
const providerUnavailable = !!init && init.status !== 0 && NETWORK_FAILURE.test(init.output);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const withBinary = version ? it : it.skip;
const whyNoBinary = version ? "" : " (skipped: no terraform binary on PATH)";

describe("terraform CLI", () => {
  withBinary(`terraform fmt -check -recursive finds nothing to change${whyNoBinary}`, () => {
    // Act
    const result = terraform(TERRAFORM_DIR, ["fmt", "-check", "-recursive", "-no-color"]);

    // Assess
    expect(result.output.replace(/^.*CLI configuration[\s\S]*?╵\n?/m, "").trim()).toBe("");
    expect(result.status).toBe(0);
  });

  withBinary(`terraform init -backend=false installs every local module${whyNoBinary}`, () => {
    // Assess: module installation comes before providers, so it is checked even offline.
    const modulesPart = init!.output.split("Initializing provider plugins")[0]!;
    expect(modulesPart).not.toMatch(/Error:/);
    expect(modulesPart).toContain("- transform.function in modules/lambda-function");
  });

  const canValidate = version && !providerUnavailable;
  const whyNoValidate = !version
    ? " (skipped: no terraform binary on PATH)"
    : providerUnavailable
      ? " (skipped: the hashicorp/aws provider cannot be downloaded here)"
      : "";
  (canValidate ? it : it.skip)(
    `terraform validate accepts the configuration${whyNoValidate}`,
    () => {
      // Prepare
      expect(init!.output).toContain("Terraform has been successfully initialized");

      // Act
      const result = terraform(path.join(workDir!, "terraform"), ["validate", "-no-color"]);

      // Assess
      expect(result.output).toContain("Success! The configuration is valid");
      expect(result.status).toBe(0);
    },
  );
});
