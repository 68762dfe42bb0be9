/**
 * The one base of both functions' own errors. Each function's `errors.ts` extends it with its
 * own base class, so a caller can ask `instanceof ExtractError` or `instanceof TransformError`
 * and read `retryable` the same way for either.
 */

/** An error that says whether trying the same work again, unchanged, may succeed. */
export class PipelineError extends Error {
  override name = "PipelineError";
  /** True for a transient fault (a retry or the next run may succeed); false: someone must act. */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}
