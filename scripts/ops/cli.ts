/**
 * What every operator command shares: the error an operator can fix by changing the command
 * line, flag checks with actionable messages, and the exit-code convention.
 */
import { parseArgs } from "node:util";

/** A mistake in the command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes of the operator commands. */
export const EXIT = {
  ok: 0,
  /** The work ran and something failed (a message left in the DLQ, an object not moved...). */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), the shell convention. */
  interrupted: 130,
} as const;

/**
 * A required flag's value, refusing an empty one. The Make targets fill flags from Terraform
 * outputs, which are empty strings when nothing is deployed (or the state is elsewhere): say
 * so instead of sending an API call with an empty name.
 */
export function requireFlag(
  value: string | undefined,
  flag: string,
  terraformOutput: string,
): string {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") {
    throw new UsageError(
      `--${flag} is empty. The Make target reads it from the Terraform output ` +
        `"${terraformOutput}", which is missing: run \`make deploy\` first (or run from the ` +
        `directory holding the Terraform state), or pass --${flag} yourself.`,
    );
  }
  return trimmed;
}

/** Parses a whole number flag within bounds, e.g. `--max 100`. */
export function parseIntegerFlag(
  value: string | undefined,
  flag: string,
  bounds: { min: number; max?: number },
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new UsageError(`--${flag} must be a whole number, got ${JSON.stringify(value)}`);
  }
  if (number < bounds.min || (bounds.max !== undefined && number > bounds.max)) {
    const range =
      bounds.max === undefined ? `at least ${bounds.min}` : `${bounds.min} to ${bounds.max}`;
    throw new UsageError(`--${flag} must be ${range}, got ${number}`);
  }
  return number;
}

/** Parses a `YYYY-MM-DD` calendar date flag (a real date: no February 30th). */
export function parseDateFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(`${match[0]}T00:00:00Z`) : undefined;
  if (
    !match ||
    !date ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== match[0]
  ) {
    throw new UsageError(`--${flag} must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return match[0];
}

/** An error as one line, `Name: message` (SDK errors carry the service's error code as name). */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The message and exit code for an error that ended a command. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof Error) {
    // SDK errors carry the service's error code as `name` (AccessDenied, QueueDoesNotExist...).
    const label = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    return { message: `${label}${error.message}`, exitCode: EXIT.failed };
  }
  return { message: String(error), exitCode: EXIT.failed };
}

/**
 * Runs a command's main function and turns its outcome into the process exit code: the
 * number it returns, or a one-line error after `label` (no stack trace for usage errors).
 */
export async function runCommand(main: () => Promise<number>, label = "error"): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    console.error(`${label}: ${message}`);
    if (exitCode !== EXIT.usage && process.env.OPS_DEBUG && error instanceof Error) {
      console.error(error.stack);
    }
    process.exitCode = exitCode;
  }
}

/** Flag definitions in the shape `node:util` parseArgs takes. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/**
 * Parses command-line flags strictly (an unknown flag or a missing value is a
 * {@link UsageError} naming it, with the usage text).
 */
export function parseFlags<T extends FlagSpec>(
  argv: string[],
  spec: T,
  usage: string,
): {
  values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };
  positionals: string[];
} {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as never, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message}\n\n${usage}`);
  }
}
