/** Helpers shared by the tests: captured Powertools output, S3 reads, rejections. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/** Everything Powertools printed (logs and EMF metrics) while capturing. */
export interface CapturedOutput {
  lines: string[];
  /** Drops what was captured so far. */
  clear(): void;
  restore(): void;
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/**
 * Captures what Powertools prints instead of printing it. Tests run Powertools in dev mode
 * (test/support/env.ts), where Logger and Metrics write through the global console; the
 * process stdout is captured too, for runs without dev mode.
 */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const originals = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" "));
    };
  }
  const originalWrite = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines,
    clear: () => void lines.splice(0),
    restore: () => {
      for (const [method, original] of originals) console[method] = original;
      process.stdout.write = originalWrite;
    },
  };
}

/** Every captured JSON object (dev-mode Powertools pretty-prints, so one per captured call). */
function jsonRecords(lines: readonly string[]): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const chunk of lines) {
    const text = chunk.trim();
    if (!text.startsWith("{")) continue;
    try {
      records.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      for (const line of text.split("\n")) {
        if (line.startsWith("{")) records.push(JSON.parse(line) as Record<string, unknown>);
      }
    }
  }
  return records;
}

/** Powertools Logger records among captured output. */
export function logRecords(lines: readonly string[]): Record<string, unknown>[] {
  return jsonRecords(lines).filter((record) => !("_aws" in record));
}

/** The metric values of every EMF record among captured output, summed by name. */
export function emfMetrics(lines: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const record of jsonRecords(lines)) {
    if (!("_aws" in record)) continue;
    const aws = record._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    for (const directive of aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const value = record[Name];
        const values = Array.isArray(value) ? value : [value];
        totals[Name] = (totals[Name] ?? 0) + values.reduce((sum: number, v) => sum + Number(v), 0);
      }
    }
  }
  return totals;
}

/** Every key in `bucket` under `prefix` (at most 1000), sorted. */
export async function listKeys(s3: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "").sort();
}

/** An object's body parsed as JSON, with its content type. */
export async function readJsonObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ json: unknown; contentType: string | undefined }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    json: JSON.parse(await object.Body!.transformToString()),
    contentType: object.ContentType,
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
