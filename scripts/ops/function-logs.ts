/**
 * Reading a function's logs: CloudWatch Logs events of `/aws/lambda/<name>`, with the
 * Powertools JSON lines turned into one readable line each.
 */
import {
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
} from "@aws-sdk/client-cloudwatch-logs";
import { UsageError } from "./cli";

/** The log group Lambda writes a function's logs to. */
export function logGroupOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** Parses a look-back like `30m`, `1h`, `2d`, `45s` into milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  if (!match || Number(match[1]) <= 0) {
    throw new UsageError(
      `--${flag} must be a duration like 30m, 1h or 2d, got ${JSON.stringify(value)}`,
    );
  }
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

// Keys every Powertools line has, shown in fixed places or too noisy to repeat on every line.
const SHOWN_APART = new Set(["level", "message", "timestamp", "service"]);
const HIDDEN = new Set([
  "cold_start",
  "function_arn",
  "function_memory_size",
  "function_name",
  "function_request_id",
  "sampling_rate",
  "xray_trace_id",
]);

/**
 * One log line made readable. A Powertools JSON line becomes
 * `timestamp LEVEL service message key=value...` (errors as `name: message (location)`);
 * anything else (Lambda's START/END/REPORT lines, plain console output) stays as it is.
 */
export function formatLogLine(raw: string, fallbackTime?: number): string {
  const text = raw.replace(/\s+$/, "");
  const entry = parseJsonLine(text);
  const time = fallbackTime === undefined ? "" : `${new Date(fallbackTime).toISOString()} `;
  if (!entry || typeof entry.message !== "string" || typeof entry.level !== "string") {
    return `${time}${text}`;
  }
  const head = [
    typeof entry.timestamp === "string" ? entry.timestamp : time.trim(),
    entry.level.padEnd(5),
    typeof entry.service === "string" ? entry.service : undefined,
    entry.message,
  ].filter((part) => part !== undefined && part !== "");
  const extras = Object.entries(entry)
    .filter(([key]) => !SHOWN_APART.has(key) && !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [...head, ...extras].join(" ");
}

/** What {@link fetchLogEvents} read. */
export interface LogEvents {
  /** Oldest first: the last `limit` events read. */
  events: FilteredLogEvent[];
  /** Whether events were left out: more than `limit`, or pages not read. */
  truncated: boolean;
  /**
   * Set when the page cap stopped the reading with pages left: the events are then the window's
   * oldest, not its latest (FilterLogEvents pages forward from `startTime`, empty pages too).
   */
  stoppedAfterPages?: number;
}

/**
 * Log events of the function since `startTime`, oldest first, at most the last `limit` of
 * those read in `maxPages` pages (default 50).
 * @throws {UsageError} When the function's log group does not exist.
 */
export async function fetchLogEvents(
  logs: CloudWatchLogsClient,
  options: {
    functionName: string;
    startTime: number;
    limit: number;
    filterPattern?: string;
    maxPages?: number;
  },
): Promise<LogEvents> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  const maxPages = options.maxPages ?? 50;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: logGroupOf(options.functionName),
          startTime: options.startTime,
          nextToken,
          ...(options.filterPattern ? { filterPattern: options.filterPattern } : {}),
        }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < maxPages);
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") {
      throw new UsageError(
        `Log group ${logGroupOf(options.functionName)} does not exist: check the function name ` +
          "and AWS_REGION (the group appears once the function has been deployed).",
      );
    }
    throw error;
  }
  const truncated = events.length > options.limit || Boolean(nextToken);
  return {
    events: events.slice(-options.limit),
    truncated,
    ...(nextToken && { stoppedAfterPages: pages }),
  };
}

/**
 * The line `make logs` prints (stderr) about what the events it shows cover, if any: where the
 * page cap stopped it, that older events were left out, or that the window had none.
 */
export function logEventsNotice(read: LogEvents, functionName: string): string | undefined {
  const shown = read.events.length;
  if (read.stoppedAfterPages !== undefined) {
    const last = read.events.at(-1)?.timestamp;
    const reached =
      last === undefined ? "before any matching event" : `at ${new Date(last).toISOString()}`;
    return (
      `(stopped after ${read.stoppedAfterPages} pages ${reached}; later events were not read` +
      (shown > 0 ? ": the events shown are the last read, not the latest" : "") +
      "; use a shorter --since or a --filter)"
    );
  }
  if (read.truncated) return `(showing the latest ${shown} events; use --limit or --since)`;
  if (shown === 0) return `No log events in ${logGroupOf(functionName)} in that window.`;
  return undefined;
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  // Pure JSON (Powertools), or JSON after the runtime's `time\trequestId\tLEVEL\t` prefix.
  const start = text.startsWith("{") ? 0 : text.indexOf("\t{") + 1;
  if (start === 0 && !text.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.slice(start));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /\s/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === "object" && value !== null && "message" in value) {
    const error = value as { name?: unknown; message?: unknown; location?: unknown };
    const name = typeof error.name === "string" ? `${error.name}: ` : "";
    const location = typeof error.location === "string" ? ` (${error.location})` : "";
    return JSON.stringify(`${name}${String(error.message)}${location}`);
  }
  return JSON.stringify(value);
}
