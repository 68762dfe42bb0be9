/**
 * `make alarms`: every CloudWatch alarm of a deployment with its state, reason and last change.
 * The deployment's alarms are named `<name_prefix>-<suffix>` (see docs/RUNBOOK.md).
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";

/** One alarm as the operator sees it. */
export interface AlarmRow {
  name: string;
  state: string;
  reason: string;
  updated?: Date;
}

const STATE_ORDER: Record<string, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

/** The name prefix of one deployment's alarms: `<name_prefix>-`, so `etl` does not match `etl2-...`. */
export function alarmNamePrefix(namePrefix: string): string {
  return namePrefix.endsWith("-") ? namePrefix : `${namePrefix}-`;
}

/** The deployment's metric and composite alarms, those in ALARM first. */
export async function listAlarms(
  cloudwatch: CloudWatchClient,
  namePrefix: string,
): Promise<AlarmRow[]> {
  const rows: AlarmRow[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: alarmNamePrefix(namePrefix),
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        NextToken: nextToken,
      }),
    );
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      rows.push({
        name: alarm.AlarmName ?? "?",
        state: alarm.StateValue ?? "?",
        reason: alarm.StateReason ?? "",
        ...(alarm.StateUpdatedTimestamp ? { updated: alarm.StateUpdatedTimestamp } : {}),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return rows.sort(
    (a, b) =>
      (STATE_ORDER[a.state] ?? 3) - (STATE_ORDER[b.state] ?? 3) || a.name.localeCompare(b.name),
  );
}

/** The alarm listing printed by `make alarms`, and the exit code (1 when none was found). */
export function formatAlarms(
  namePrefix: string,
  rows: AlarmRow[],
): { lines: string[]; exitCode: number } {
  if (rows.length === 0) {
    return {
      lines: [
        `No CloudWatch alarm is named ${alarmNamePrefix(namePrefix)}*. Check AWS_REGION and ` +
          "the account, or deploy first (`make deploy`).",
      ],
      exitCode: 1,
    };
  }
  const width = Math.max(...rows.map((row) => row.name.length));
  const lines = [`${"NAME".padEnd(width)}  STATE              UPDATED (UTC)`];
  for (const row of rows) {
    const updated = row.updated ? row.updated.toISOString().replace("T", " ").slice(0, 19) : "-";
    lines.push(`${row.name.padEnd(width)}  ${row.state.padEnd(17)}  ${updated}`);
    if (row.reason) lines.push(`  ${row.reason}`);
  }
  const firing = rows.filter((row) => row.state === "ALARM").length;
  lines.push(
    `${rows.length} alarm(s), ${firing} in ALARM. Glue crawler failures are not an alarm: the ` +
      `EventBridge rule ${alarmNamePrefix(namePrefix)}crawler-failed sends them to the SNS topic.`,
  );
  if (firing > 0) lines.push("What each alarm means and how to fix it: docs/RUNBOOK.md");
  return { lines, exitCode: 0 };
}
