/**
 * Running a deployed function now (`make invoke-extract`): a synchronous Lambda Invoke that
 * returns the function's result or error and the tail of its log.
 */
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { formatLogLine } from "./function-logs";

/** What an invocation returned. */
export interface InvocationResult {
  /** HTTP status of the Invoke call (200 for a synchronous run, even when the function failed). */
  statusCode: number;
  /** `Unhandled` (the handler threw) or `Handled`, when the function failed. */
  functionError?: string;
  /** The function's response (its return value or its error), as text. */
  payload: string;
  /** The last 4 KB of the run's log, one entry per line. */
  logTail: string[];
}

/** Invokes the function synchronously with `event` and collects what it said. */
export async function invokeFunction(
  lambda: LambdaClient,
  functionName: string,
  event: unknown = {},
): Promise<InvocationResult> {
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: "RequestResponse",
      LogType: "Tail",
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const logText = response.LogResult
    ? Buffer.from(response.LogResult, "base64").toString("utf8")
    : "";
  return {
    statusCode: response.StatusCode ?? 0,
    ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
    payload: response.Payload ? new TextDecoder().decode(response.Payload) : "",
    logTail: logText.split("\n").filter((line) => line.trim() !== ""),
  };
}

/** The report printed after an invocation, and the exit code (1 when the function failed). */
export function formatInvocation(
  functionName: string,
  result: InvocationResult,
): { lines: string[]; exitCode: number } {
  const lines = [
    result.functionError
      ? `${functionName} FAILED (${result.functionError}):`
      : `${functionName} succeeded:`,
    `  ${prettyPayload(result.payload)}`,
  ];
  if (result.logTail.length > 0) {
    lines.push("Log tail (last 4 KB; the first line may be cut):");
    for (const line of result.logTail) lines.push(`  ${formatLogLine(line)}`);
  }
  if (result.functionError) {
    lines.push("See docs/RUNBOOK.md (extract-errors) for the usual causes and fixes.");
  }
  return { lines, exitCode: result.functionError ? 1 : 0 };
}

function prettyPayload(payload: string): string {
  if (payload === "") return "(no payload)";
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === "object" && "errorMessage" in parsed) {
      const error = parsed as { errorType?: string; errorMessage?: string };
      return `${error.errorType ?? "Error"}: ${error.errorMessage ?? ""}`;
    }
    return JSON.stringify(parsed);
  } catch {
    return payload;
  }
}
