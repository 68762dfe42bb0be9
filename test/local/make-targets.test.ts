import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The command line `make` would run for a target: its dry run prints it. */
function dryRun(...args: string[]): string {
  return execFileSync("make", ["-n", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("the operator Make targets", () => {
  it("make logs passes ARGS (--since, --limit, --filter) on to the command", () => {
    // Act
    const commands = dryRun("logs", "FN=extract", "ARGS=--since 6h --limit 50 --filter ERROR");

    // Assess
    expect(commands).toMatch(
      /scripts\/ops\.ts logs --function "[^"]*" --since 6h --limit 50 --filter ERROR$/m,
    );
  });

  it("make logs refuses an FN other than extract or transform, naming both", () => {
    // Act
    const logs = () =>
      execFileSync("make", ["-n", "logs", "FN=bogus"], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: "pipe",
      });

    // Assess
    expect(logs).toThrow(/FN must be extract or transform, got "bogus"/);
  });

  it("make query (and make alarms) pass ARGS on, after the flags filled from the outputs", () => {
    // Act
    const local = dryRun("query", "Q=latest_chart", "ARGS=--lake /tmp/lake");
    const aws = dryRun(
      "query",
      "Q=latest_chart",
      "TARGET=aws",
      "ARGS=--workgroup wg --database db",
    );
    const alarms = dryRun("alarms", "ARGS=--prefix my-etl");

    // Assess: a repeated flag's last value wins, so ARGS overrides the empty outputs
    expect(local).toMatch(/scripts\/query\.ts latest_chart\s+--lake \/tmp\/lake$/m);
    expect(aws).toMatch(
      /scripts\/query\.ts latest_chart --target aws --workgroup "[^"]*" --database "[^"]*" --workgroup wg --database db$/m,
    );
    expect(alarms).toMatch(/scripts\/ops\.ts alarms --prefix "[^"]*" --prefix my-etl$/m);
  });

  it("make spotify-login passes the deployment's secret ARN, and none without a deployment", async () => {
    // Prepare: a Terraform state holding the output, as `make deploy` leaves it
    const deployed = await mkdtemp(path.join(tmpdir(), "make-targets-"));
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spotify-etl/spotify-AbCdEf";
    await writeFile(
      path.join(deployed, "terraform.tfstate"),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.0",
        serial: 1,
        lineage: "make-targets-test",
        outputs: { spotify_secret_arn: { value: arn, type: "string" } },
        resources: [],
      }),
    );
    const nothingDeployed = await mkdtemp(path.join(tmpdir(), "make-targets-"));

    // Act
    const withDeployment = dryRun("spotify-login", `TF_DIR=${deployed}`, "ARGS=--port 8889");
    const withoutDeployment = dryRun("spotify-login", `TF_DIR=${nothingDeployed}`);
    await rm(deployed, { recursive: true, force: true });
    await rm(nothingDeployed, { recursive: true, force: true });

    // Assess
    expect(withDeployment).toMatch(
      new RegExp(`scripts/spotify-login\\.ts --secret-arn "${arn}" --port 8889\\s*$`, "m"),
    );
    expect(withoutDeployment).toMatch(/scripts\/spotify-login\.ts\s*$/m);
  });
});
