/**
 * moto's S3 server (from the venv `make venv` creates), for the one thing fauxqs lacks: bucket
 * versioning. fauxqs's README lists versioning among the S3 features it does not support, and
 * the transform's cleanup deletes by version id.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const MOTO_SERVER = path.resolve(import.meta.dirname, "../../.venv/bin/moto_server");

/** A moto server on a free loopback port, and an S3 client pointed at it. */
export interface MotoS3 {
  endpoint: string;
  s3: S3Client;
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` on a free port and waits for the address it prints.
 * @throws {Error} When the venv has no moto (run `make venv`) or the server does not start.
 */
export async function startMotoS3(): Promise<MotoS3> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(
      `${MOTO_SERVER} is missing: run \`make venv\` (moto[server] from requirements-dev.txt)`,
    );
  }
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`moto_server exited (${code}): ${output}`)));
    child.once("error", reject);
  });
  child.stdout.resume();
  child.stderr.resume();
  const s3 = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1" });
  return {
    endpoint,
    s3,
    async stop() {
      s3.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
