/**
 * A last line of defence for "secrets never logged": messages are built without credentials,
 * and whatever leaves the handler (log lines, the invocation error) also passes through here,
 * with every known secret value replaced.
 */
import type { ExtractLogger } from "./extract-playlists";

/** What replaces a secret value. */
export const REDACTED = "[redacted]";

/** `text` with every occurrence of each secret (4+ characters) replaced by {@link REDACTED}. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (depth <= 0 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth - 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      redactValue(item, secrets, depth - 1),
    ]),
  );
}

/** A logger that redacts `secrets()` from the message and the extra objects before logging. */
export function redactingLogger(
  logger: ExtractLogger,
  secrets: () => readonly string[],
): ExtractLogger {
  const wrap =
    (level: keyof ExtractLogger) =>
    (message: string, ...extra: Record<string, unknown>[]): void => {
      const known = secrets();
      logger[level](
        redactSecrets(message, known),
        ...extra.map((item) => redactValue(item, known, 4) as Record<string, unknown>),
      );
    };
  return { info: wrap("info"), warn: wrap("warn"), error: wrap("error"), debug: wrap("debug") };
}
