/**
 * scripts/terraform/preflight.sh, run by make deploy, plan and destroy before terraform.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const PREFLIGHT = path.join(REPO_ROOT, "scripts/terraform/preflight.sh");

let sandbox: string;

beforeEach(() => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), "preflight-"));
  // A PATH with only the tools the script uses, so a terraform installed on this machine
  // does not leak in.
  mkdirSync(path.join(sandbox, "bin"));
  for (const tool of ["bash", "env", "dirname", "sed", "head", "grep"]) {
    const found = execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    symlinkSync(found, path.join(sandbox, "bin", tool));
  }
  mkdirSync(path.join(sandbox, "home"));
  mkdirSync(path.join(sandbox, "dist"));
  mkdirSync(path.join(sandbox, "dmi"));
});

afterEach(() => {
  rmSync(sandbox, { recursive: true, force: true });
});

function fakeTerraform(version: string): void {
  const file = path.join(sandbox, "bin", "terraform");
  writeFileSync(file, `#!/usr/bin/env bash\necho "Terraform v${version}"\necho "on linux_amd64"\n`);
  chmodSync(file, 0o755);
}

function builtZips(): void {
  for (const name of ["extract", "transform"])
    writeFileSync(path.join(sandbox, "dist", `${name}.zip`), "zip");
}

function preflight(extraEnv: Record<string, string> = {}) {
  const result = spawnSync("bash", [PREFLIGHT], {
    encoding: "utf8",
    env: {
      PATH: path.join(sandbox, "bin"),
      HOME: path.join(sandbox, "home"),
      DIST_DIR: path.join(sandbox, "dist"),
      PREFLIGHT_DMI_DIR: path.join(sandbox, "dmi"),
      TF_VAR_playlist_ids: '["x"]',
      ...extraEnv,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("preflight.sh", () => {
  it("stops when terraform is not on PATH", () => {
    // Prepare
    builtZips();

    // Act
    const result = preflight({ AWS_PROFILE: "dev" });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("terraform is not on PATH");
    expect(result.stderr).toContain("1 problem(s); nothing was changed");
  });

  it("stops when terraform is older than 1.9", () => {
    // Prepare
    fakeTerraform("1.8.5");
    builtZips();

    // Act
    const result = preflight({ AWS_PROFILE: "dev" });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("terraform 1.8.5 is too old");
  });

  it("stops when no AWS credentials are configured, saying how to configure them", () => {
    // Prepare
    fakeTerraform("1.11.4");
    builtZips();

    // Act
    const result = preflight();

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("no AWS credentials found");
    expect(result.stderr).toContain("export AWS_PROFILE=<profile>");
  });

  it("stops when the Lambda zips are not built", () => {
    // Prepare
    fakeTerraform("1.11.4");

    // Act
    const result = preflight({ AWS_PROFILE: "dev" });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("extract.zip is missing: run `make build` first");
    expect(result.stderr).toContain("transform.zip is missing");
  });

  it.each([
    [
      "environment keys",
      { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" },
      "AWS_ACCESS_KEY_ID in the environment",
    ],
    ["a profile", { AWS_PROFILE: "dev" }, "AWS_PROFILE=dev"],
    [
      "a container role",
      { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" },
      "the container's role (ECS, CodeBuild, EKS Pod Identity)",
    ],
    [
      "web identity",
      { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:aws:iam::1:role/r" },
      "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)",
    ],
  ])("passes with credentials from %s", (_case, env, source) => {
    // Prepare
    fakeTerraform("1.11.4");
    builtZips();

    // Act
    const result = preflight(env);

    // Assess
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`preflight: terraform 1.11.4, AWS credentials from ${source}.\n`);
  });

  it("passes with ~/.aws/credentials, an SSO profile in ~/.aws/config, or an EC2 instance", () => {
    // Prepare
    fakeTerraform("1.9.0");
    builtZips();
    const awsDir = path.join(sandbox, "home", ".aws");
    mkdirSync(awsDir);

    // Act
    writeFileSync(path.join(awsDir, "config"), "[default]\nsso_session = corp\n");
    const fromConfig = preflight();
    writeFileSync(path.join(awsDir, "credentials"), "[default]\naws_access_key_id = AKIA\n");
    const fromCredentials = preflight();
    rmSync(awsDir, { recursive: true });
    writeFileSync(path.join(sandbox, "dmi", "sys_vendor"), "Amazon EC2\n");
    const fromInstance = preflight();

    // Assess
    expect([fromConfig.status, fromCredentials.status, fromInstance.status]).toEqual([0, 0, 0]);
    expect(fromConfig.stdout).toContain("config.");
    expect(fromCredentials.stdout).toContain("credentials.");
    expect(fromInstance.stdout).toContain("the EC2 instance's role");
  });
});
