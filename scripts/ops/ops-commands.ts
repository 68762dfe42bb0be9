/**
 * The command line of `scripts/ops.ts`'s `invoke-extract`, `logs` and `alarms` (`replay-dlq`,
 * `reprocess` and `import-charts` parse their own flags).
 */
import { parseFlags, parseIntegerFlag, requireFlag, UsageError } from "./cli";
import { parseDuration } from "./function-logs";

/** One parsed ops command. */
export type OpsCommand =
  | { command: "invoke-extract"; functionName: string; playlistIds?: string[] }
  | {
      command: "logs";
      functionName: string;
      sinceMs: number;
      limit: number;
      filterPattern?: string;
    }
  | { command: "alarms"; prefix: string };

export const OPS_USAGE = `Usage: tsx scripts/ops.ts <command> [flags]
  replay-dlq --dlq-url URL [...]    move dead-lettered messages back (make replay-dlq; --help)
  reprocess --bucket B [...]        send processed snapshots through the transform again
                                    (make reprocess; --help)
  import-charts --bucket B | --local FILE_OR_FOLDER...
                                    upload Spotify Charts exports (make import-charts)
  invoke-extract --function NAME [--playlist-ids ID,ID]
                 run the extract function now (make invoke-extract); prints its result and log tail
  logs --function NAME [--since 1h] [--limit 200] [--filter PATTERN]
                 recent logs of /aws/lambda/NAME, Powertools JSON made readable (make logs FN=extract)
  alarms --prefix NAME_PREFIX
                 every alarm named NAME_PREFIX-*, with state, reason and last change (make alarms)`;

const DEFAULT_SINCE = "1h";
const DEFAULT_LIMIT = 200;

/** Reads the ops command line; throws {@link UsageError} on mistakes. */
export function parseOpsArgs(argv: string[]): OpsCommand | "help" {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help")
    return "help";
  switch (command) {
    case "invoke-extract": {
      const { values } = parseOnly(rest, {
        function: { type: "string" },
        "playlist-ids": { type: "string" },
      });
      const playlistIds = values["playlist-ids"]
        ?.split(",")
        .map((id) => id.trim())
        .filter((id) => id !== "");
      if (values["playlist-ids"] !== undefined && playlistIds?.length === 0) {
        throw new UsageError("--playlist-ids is empty; give comma-separated Spotify playlist ids");
      }
      return {
        command,
        functionName: requireFlag(values.function, "function", "extract_function_name"),
        ...(playlistIds ? { playlistIds } : {}),
      };
    }
    case "logs": {
      const { values } = parseOnly(rest, {
        function: { type: "string" },
        since: { type: "string" },
        limit: { type: "string" },
        filter: { type: "string" },
      });
      return {
        command,
        functionName: requireFlag(
          values.function,
          "function",
          "extract_function_name / transform_function_name",
        ),
        sinceMs: parseDuration(values.since ?? DEFAULT_SINCE, "since"),
        limit: parseIntegerFlag(values.limit, "limit", { min: 1, max: 10_000 }) ?? DEFAULT_LIMIT,
        ...(values.filter ? { filterPattern: values.filter } : {}),
      };
    }
    case "alarms": {
      const { values } = parseOnly(rest, { prefix: { type: "string" } });
      return { command, prefix: requireFlag(values.prefix, "prefix", "name_prefix") };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${OPS_USAGE}`);
  }
}

function parseOnly<T extends Record<string, { type: "string" }>>(argv: string[], spec: T) {
  const parsed = parseFlags(argv, spec, OPS_USAGE);
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${parsed.positionals[0]}\n\n${OPS_USAGE}`);
  }
  return parsed;
}
