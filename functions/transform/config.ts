/**
 * The transform's configuration from its environment (docs/DESIGN.md, "Handler configuration"),
 * read and checked in one place at the start of each invocation. Every problem is reported at
 * once, naming the variable.
 */
import { TransformConfigError } from "./errors";
import { maxRawObjectBytes } from "./raw-bytes-budget";

/** Everything the transform handler reads from its environment. */
export interface TransformConfig {
  /** `DATA_BUCKET`: the data lake bucket. */
  bucket: string;
  /** Largest raw object transformed (`MAX_RAW_OBJECT_BYTES`, or derived from the heap). */
  maxRawBytes: number;
  /** `GLUE_CRAWLER_NAME`: the crawler to start after new data lands; undefined: none. */
  glueCrawlerName: string | undefined;
}

/**
 * Reads and checks the transform's variables.
 *
 * @param heapLimitBytes V8's heap limit, from which the default raw size cap is derived.
 * @throws TransformConfigError listing every problem (never a value of a secret: there is none).
 */
export function readTransformConfig(
  env: Record<string, string | undefined>,
  heapLimitBytes: number,
): TransformConfig {
  const problems: string[] = [];
  const bucket = env.DATA_BUCKET?.trim();
  if (!bucket)
    problems.push("DATA_BUCKET is not set: the transform needs the data lake bucket name");
  let maxRawBytes = 0;
  try {
    maxRawBytes = maxRawObjectBytes(env, heapLimitBytes);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new TransformConfigError(problems);
  return {
    bucket: bucket ?? "",
    maxRawBytes,
    glueCrawlerName: env.GLUE_CRAWLER_NAME?.trim() || undefined,
  };
}
