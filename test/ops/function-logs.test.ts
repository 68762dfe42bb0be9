import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type InputLogEvent,
} from "@aws-sdk/client-cloudwatch-logs";
import { fetchLogEvents, logGroupOf } from "../../scripts/ops/function-logs";
import { startMotoServer, type MotoServer } from "../support/moto";

// CloudWatch Logs over the wire against moto's server; the page cap and the errors are
// client mocks in ops-commands.test.ts.
describe("make logs against moto", () => {
  let moto: MotoServer;
  let logs: CloudWatchLogsClient;
  beforeAll(async () => {
    moto = await startMotoServer();
    logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: "us-east-1" });
  });
  afterAll(async () => {
    logs.destroy();
    await moto.stop();
  });

  it("reads /aws/lambda/<name> from the start time over every page and keeps the latest events", async () => {
    // Prepare: FilterLogEvents answers at most 10,000 events a page, so 10,003 matches take
    // two pages; around them an event before the start time and one the filter leaves out.
    const group = logGroupOf("etl-transform");
    const startTime = Date.now() - 3_600_000;
    const matching = 10_003;
    const events: InputLogEvent[] = [
      { timestamp: startTime - 1, message: "ERROR before the window" },
      ...Array.from({ length: matching }, (_, index) => ({
        timestamp: startTime + index,
        message: `ERROR ${index}`,
      })),
      { timestamp: startTime + matching, message: "INFO not matched" },
    ];
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "s" }));
    for (let from = 0; from < events.length; from += 5000) {
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: "s",
          logEvents: events.slice(from, from + 5000),
        }),
      );
    }
    const read = (limit: number) =>
      fetchLogEvents(logs, {
        functionName: "etl-transform",
        startTime,
        limit,
        filterPattern: "ERROR",
      });

    // Act
    const all = await read(matching);
    const latest = await read(2);

    // Assess
    expect(all.truncated).toBe(false);
    expect(all.events.map((event) => event.message)).toEqual(
      Array.from({ length: matching }, (_, index) => `ERROR ${index}`),
    );
    expect(latest).toEqual({ events: all.events.slice(-2), truncated: true });
  });
});
