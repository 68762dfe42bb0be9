import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { alarmNamePrefix, formatAlarms, listAlarms } from "../../scripts/ops/alarms";
import { UsageError } from "../../scripts/ops/cli";
import { fetchLogEvents, formatLogLine, logEventsNotice } from "../../scripts/ops/function-logs";
import { formatInvocation, invokeFunction } from "../../scripts/ops/invoke-function";

// Client mocks: Lambda and CloudWatch alarms, and the CloudWatch Logs answers moto does not give
// on demand (empty pages, errors). fetchLogEvents reads moto's pages in function-logs.test.ts.
describe("ops commands", () => {
  const powertoolsLine = JSON.stringify({
    level: "ERROR",
    message: "Playlist failed",
    timestamp: "2026-11-22T16:00:04.512Z",
    service: "spotify-etl-extract",
    cold_start: true,
    function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:etl-extract",
    function_memory_size: "256",
    function_name: "etl-extract",
    function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    sampling_rate: 0,
    xray_trace_id: "1-5759e988-bd862e3fe1be46a994272793",
    playlistId: "37i9dQZEVXbMDoHDwVN2tF",
    error: {
      name: "SpotifyNotFoundError",
      message: "404 Not Found",
      location: "file:///var/task/index.mjs:1:2",
      stack: "...",
    },
  });

  describe("formatLogLine", () => {
    it("turns a Powertools JSON line into one readable line, hiding the per-invocation noise", () => {
      // Act
      const line = formatLogLine(`${powertoolsLine}\n`, 0);

      // Assess
      expect(line).toBe(
        "2026-11-22T16:00:04.512Z ERROR spotify-etl-extract Playlist failed playlistId=37i9dQZEVXbMDoHDwVN2tF " +
          'error="SpotifyNotFoundError: 404 Not Found (file:///var/task/index.mjs:1:2)"',
      );
    });

    it("reads JSON behind the Node runtime's tab-separated prefix", () => {
      // Act
      const line = formatLogLine(`2026-11-22T16:00:04.512Z\tc6af9ac6\tINFO\t${powertoolsLine}`);

      // Assess
      expect(line).toMatch(/^2026-11-22T16:00:04.512Z ERROR spotify-etl-extract Playlist failed/);
    });

    it("leaves Lambda's own lines as they are, with the event time in front", () => {
      // Act
      const line = formatLogLine(
        "REPORT RequestId: c6af9ac6\tDuration: 812.31 ms\n",
        Date.parse("2026-11-22T16:00:05Z"),
      );

      // Assess
      expect(line).toBe("2026-11-22T16:00:05.000Z REPORT RequestId: c6af9ac6\tDuration: 812.31 ms");
    });
  });

  describe("logs", () => {
    const logs = new CloudWatchLogsClient({ region: "eu-west-1" });
    const logsMock = mockClient(logs);
    beforeEach(() => logsMock.reset());

    it("says where the page cap stopped it, never 'latest' nor 'No log events' for what it did not read", async () => {
      // Prepare: FilterLogEvents pages forward and may return empty pages with a nextToken.
      logsMock
        .on(FilterLogEventsCommand)
        .resolvesOnce({
          events: [{ message: "old", timestamp: Date.UTC(2026, 10, 22) }],
          nextToken: "t1",
        })
        .resolves({ events: [], nextToken: "more" });
      const options = { functionName: "etl-transform", startTime: 0, limit: 10, maxPages: 3 };

      // Act
      const someRead = await fetchLogEvents(logs, options);
      logsMock.reset();
      logsMock.on(FilterLogEventsCommand).resolves({ events: [], nextToken: "more" });
      const noneRead = await fetchLogEvents(logs, options);

      // Assess
      expect(someRead).toMatchObject({ truncated: true, stoppedAfterPages: 3 });
      expect(logEventsNotice(someRead, "etl-transform")).toBe(
        "(stopped after 3 pages at 2026-11-22T00:00:00.000Z; later events were not read: " +
          "the events shown are the last read, not the latest; use a shorter --since or a --filter)",
      );
      expect(logEventsNotice(noneRead, "etl-transform")).toBe(
        "(stopped after 3 pages before any matching event; later events were not read; " +
          "use a shorter --since or a --filter)",
      );
    });

    it("reads at most 50 pages when no cap is given", async () => {
      // Prepare: a window of 51 pages or more
      logsMock.on(FilterLogEventsCommand).resolves({ events: [], nextToken: "more" });

      // Act
      const read = await fetchLogEvents(logs, { functionName: "f", startTime: 0, limit: 10 });

      // Assess
      expect(read).toMatchObject({ truncated: true, stoppedAfterPages: 50 });
      expect(logsMock.commandCalls(FilterLogEventsCommand)).toHaveLength(50);
    });

    it("says 'latest' only when every page was read, and 'No log events' only for an empty window", () => {
      // Assess
      const event = { message: "a" };
      expect(logEventsNotice({ events: [event], truncated: true }, "etl-transform")).toBe(
        "(showing the latest 1 events; use --limit or --since)",
      );
      expect(logEventsNotice({ events: [], truncated: false }, "etl-transform")).toBe(
        "No log events in /aws/lambda/etl-transform in that window.",
      );
      expect(
        logEventsNotice({ events: [event], truncated: false }, "etl-transform"),
      ).toBeUndefined();
    });

    it("explains a missing log group", async () => {
      // Prepare
      logsMock.on(FilterLogEventsCommand).rejects(
        Object.assign(new Error("The specified log group does not exist."), {
          name: "ResourceNotFoundException",
        }),
      );

      // Act
      const fetch = fetchLogEvents(logs, { functionName: "typo", startTime: 0, limit: 10 });

      // Assess
      await expect(fetch).rejects.toThrow(UsageError);
      await expect(fetch).rejects.toThrow("Log group /aws/lambda/typo does not exist");
    });
  });

  describe("invoke-extract", () => {
    const lambda = new LambdaClient({ region: "eu-west-1" });
    const lambdaMock = mockClient(lambda);
    beforeEach(() => lambdaMock.reset());

    it("invokes synchronously with the log tail and reports success", async () => {
      // Prepare
      lambdaMock.on(InvokeCommand).resolves({
        StatusCode: 200,
        Payload: new TextEncoder().encode(JSON.stringify({ extracted: 2 })) as never,
        LogResult: Buffer.from(
          `START RequestId: 1\n${powertoolsLine}\nEND RequestId: 1\n`,
        ).toString("base64"),
      });

      // Act
      const result = await invokeFunction(lambda, "etl-extract", { playlistIds: ["a"] });

      // Assess
      const input = lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input;
      expect(input).toMatchObject({
        FunctionName: "etl-extract",
        InvocationType: "RequestResponse",
        LogType: "Tail",
      });
      expect(new TextDecoder().decode(input.Payload as Uint8Array)).toBe('{"playlistIds":["a"]}');
      expect(result).toEqual({
        statusCode: 200,
        payload: '{"extracted":2}',
        logTail: ["START RequestId: 1", powertoolsLine, "END RequestId: 1"],
      });
      const report = formatInvocation("etl-extract", result);
      expect(report.exitCode).toBe(0);
      expect(report.lines.slice(0, 2)).toEqual(["etl-extract succeeded:", '  {"extracted":2}']);
      expect(report.lines).toContain(
        '  2026-11-22T16:00:04.512Z ERROR spotify-etl-extract Playlist failed playlistId=37i9dQZEVXbMDoHDwVN2tF error="SpotifyNotFoundError: 404 Not Found (file:///var/task/index.mjs:1:2)"',
      );
    });

    it("reports the function's error and exits non-zero", async () => {
      // Prepare
      lambdaMock.on(InvokeCommand).resolves({
        StatusCode: 200,
        FunctionError: "Unhandled",
        Payload: new TextEncoder().encode(
          JSON.stringify({
            errorType: "ExtractFailed",
            errorMessage: "1 of 2 playlists failed: 37i9 (404)",
          }),
        ) as never,
      });

      // Act
      const report = formatInvocation("etl-extract", await invokeFunction(lambda, "etl-extract"));

      // Assess
      expect(report.exitCode).toBe(1);
      expect(report.lines.slice(0, 2)).toEqual([
        "etl-extract FAILED (Unhandled):",
        "  ExtractFailed: 1 of 2 playlists failed: 37i9 (404)",
      ]);
    });
  });

  describe("alarms", () => {
    const cloudwatch = new CloudWatchClient({ region: "eu-west-1" });
    const cloudwatchMock = mockClient(cloudwatch);
    beforeEach(() => cloudwatchMock.reset());

    it("lists every alarm named <prefix>-*, firing ones first, over every page", async () => {
      // Prepare
      cloudwatchMock
        .on(DescribeAlarmsCommand)
        .resolvesOnce({
          MetricAlarms: [
            {
              AlarmName: "etl-extract-errors",
              StateValue: "OK",
              StateReason: "fine",
              StateUpdatedTimestamp: new Date("2026-11-21T10:00:00Z"),
            },
            {
              AlarmName: "etl-dlq-not-empty",
              StateValue: "ALARM",
              StateReason: "Threshold Crossed: 1 datapoint [3.0]",
              StateUpdatedTimestamp: new Date("2026-11-22T16:05:00Z"),
            },
          ],
          NextToken: "n",
        })
        .resolves({
          MetricAlarms: [{ AlarmName: "etl-no-tracks-extracted", StateValue: "INSUFFICIENT_DATA" }],
        });

      // Act
      const rows = await listAlarms(cloudwatch, "etl");

      // Assess
      expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toEqual({
        AlarmNamePrefix: "etl-",
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        NextToken: undefined,
      });
      expect(rows.map((row) => [row.name, row.state])).toEqual([
        ["etl-dlq-not-empty", "ALARM"],
        ["etl-no-tracks-extracted", "INSUFFICIENT_DATA"],
        ["etl-extract-errors", "OK"],
      ]);
      const report = formatAlarms("etl", rows);
      expect(report.exitCode).toBe(0);
      expect(report.lines.slice(0, 3)).toEqual([
        "NAME                     STATE              UPDATED (UTC)",
        "etl-dlq-not-empty        ALARM              2026-11-22 16:05:00",
        "  Threshold Crossed: 1 datapoint [3.0]",
      ]);
      expect(report.lines).toContain("What each alarm means and how to fix it: docs/RUNBOOK.md");
    });

    it("says so when the prefix matches nothing", () => {
      // Act
      const report = formatAlarms("etl-", []);

      // Assess
      expect(alarmNamePrefix("etl-")).toBe("etl-");
      expect(report).toEqual({
        lines: [expect.stringContaining("No CloudWatch alarm is named etl-*")],
        exitCode: 1,
      });
    });
  });
});
