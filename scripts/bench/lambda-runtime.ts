/**
 * How Lambda would start the transform function, for the benchmark to start it the same way.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The transform's memory in MB: the default of `transform_memory_mb` in terraform/variables.tf
 * (test/terraform/configuration.test.ts keeps the two equal).
 */
export const LAMBDA_MEMORY_MB = 512;

/**
 * The Node.js release the bench runs the handler on as Lambda would: of the major of the
 * functions' runtime, the default of `lambda_runtime` in terraform/variables.tf (`nodejs22.x`;
 * the same test keeps the two equal). Pinned, so that runs months apart compare the same V8;
 * Lambda moves its runtime's minor versions on by itself, so move this on when comparing
 * against a newer one.
 */
export const LAMBDA_NODE_VERSION = "22.23.3";

/** The major of LAMBDA_NODE_VERSION. */
export const LAMBDA_NODE_MAJOR = Number(LAMBDA_NODE_VERSION.split(".")[0]);

/**
 * The V8 flags Lambda's Node.js runtime starts a function of `memoryMb` with: a tenth of the
 * memory for the young generation (two semi-spaces), the rest for the old generation. This is
 * how the runtime's bootstrap script (/var/runtime/bootstrap) computes them in the copies of it
 * published on GitHub; we could not check it against Lambda itself from here.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const youngGenerationMb = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.floor(youngGenerationMb / 2)}`,
    `--max-old-space-size=${memoryMb - youngGenerationMb}`,
  ];
}

/** Lambda gives a function one vCPU's worth of CPU time at this much memory, in proportion below. */
export const LAMBDA_MB_PER_VCPU = 1769;

/**
 * The CPU time a function of `memoryMb` gets per second, in vCPUs: Lambda allocates CPU in
 * proportion to memory, one vCPU-second of credit per second at 1,769 MB (its "Lambda function
 * memory" documentation), so 512 MB gets about 0.29. The bench holds the handler's process to it.
 */
export function lambdaVcpus(memoryMb: number): number {
  return memoryMb / LAMBDA_MB_PER_VCPU;
}

/** Where lambdaNodeBinary keeps a node of another major than the one running: `npm ci` clears it. */
export function lambdaNodeCacheDir(root: string, version = LAMBDA_NODE_VERSION): string {
  return path.join(root, "node_modules/.cache/lambda-node", version);
}

/**
 * A node binary of the Lambda runtime's major version, to run the handler as Lambda does: the
 * running one when it is of that major, else the `node` package of `version` from the npm
 * registry (it ships the official binary for this platform), installed once into
 * lambdaNodeCacheDir. V8's memory use differs between majors, so the bench does not stand in
 * one major for another.
 */
export function lambdaNodeBinary(
  root: string,
  {
    version = LAMBDA_NODE_VERSION,
    running = process,
  }: { version?: string; running?: { versions: { node: string }; execPath: string } } = {},
): string {
  const major = version.split(".")[0];
  if (running.versions.node.split(".")[0] === major) return running.execPath;
  const prefix = lambdaNodeCacheDir(root, version);
  const binary = path.join(prefix, "node_modules/node/bin/node");
  if (!existsSync(binary)) {
    console.error(`bench: installing node@${version} (Lambda's runtime) into ${prefix}`);
    execFileSync(
      "npm",
      ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", `node@${version}`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  const installed = execFileSync(binary, ["--version"]).toString().trim();
  if (installed !== `v${version}`) {
    throw new Error(
      `${binary} is ${installed}, not Node.js ${version}: delete ${prefix} and rerun`,
    );
  }
  return binary;
}
