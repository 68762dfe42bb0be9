/**
 * Time as the operator commands see it, injected so tests never wait for real time.
 */

/** Waits `ms` milliseconds, or less when `signal` aborts (it resolves then; it never rejects). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Milliseconds since the epoch. */
export type Clock = () => number;

/** The real {@link Sleep}: a timer that an abort (Ctrl-C) cuts short. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** The real {@link Clock}. */
export const systemClock: Clock = () => Date.now();

/**
 * An AbortSignal that aborts on the first Ctrl-C (SIGINT), so a command can stop cleanly (cancel
 * a move task, finish the current batch). A second Ctrl-C kills the process as usual: the
 * handler is installed once, and SQS makes an unfinished receive visible again on its own.
 */
export function abortOnSigint(onFirstSigint?: () => void): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => {
    onFirstSigint?.();
    controller.abort();
  });
  return controller.signal;
}
