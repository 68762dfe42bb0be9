/** Runs one SQL statement on Athena in a workgroup and returns its rows (`make query TARGET=aws`). */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
} from "@aws-sdk/client-athena";

/** Options of {@link runAthenaQuery}. */
export interface AthenaQueryOptions {
  sql: string;
  workgroup: string;
  database: string;
  /** Time between status checks (default 1 s). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onStatus?: (state: string) => void;
}

/** Athena said the query failed or was cancelled; the message is Athena's own. */
export class AthenaQueryError extends Error {
  override name = "AthenaQueryError";
}

/**
 * Starts the query, polls until it finishes and reads every page of results. Values come back
 * as Athena returns them: strings, or null for NULL.
 */
export async function runAthenaQuery(
  athena: AthenaClient,
  options: AthenaQueryOptions,
): Promise<Record<string, string | null>[]> {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { QueryExecutionId } = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: options.sql,
      WorkGroup: options.workgroup,
      QueryExecutionContext: { Database: options.database },
    }),
  );
  for (;;) {
    const { QueryExecution } = await athena.send(
      new GetQueryExecutionCommand({ QueryExecutionId }),
    );
    const state = QueryExecution?.Status?.State ?? "UNKNOWN";
    options.onStatus?.(state);
    if (state === "SUCCEEDED") break;
    if (state === "FAILED" || state === "CANCELLED") {
      const reason =
        QueryExecution?.Status?.AthenaError?.ErrorMessage ??
        QueryExecution?.Status?.StateChangeReason ??
        "no reason given";
      throw new AthenaQueryError(`Athena query ${QueryExecutionId} ${state}: ${reason}`);
    }
    await sleep(options.pollMs ?? 1000);
  }

  const rows: Record<string, string | null>[] = [];
  let columns: string[] | undefined;
  let token: string | undefined;
  do {
    const page = await athena.send(
      new GetQueryResultsCommand({ QueryExecutionId, NextToken: token }),
    );
    columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((column) => column.Name ?? "");
    const pageRows = page.ResultSet?.Rows ?? [];
    // The first row of the first page repeats the column names.
    for (const row of token === undefined ? pageRows.slice(1) : pageRows) {
      rows.push(
        Object.fromEntries(
          (columns ?? []).map((name, i) => [name, row.Data?.[i]?.VarCharValue ?? null]),
        ),
      );
    }
    token = page.NextToken;
  } while (token);
  return rows;
}
