import {
  InvalidSnapshotError,
  isRetryable,
  TableWriteError,
  TransformError,
  UnprocessableObjectError,
  UnreadableMessageError,
} from "../../../functions/transform/errors";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { awsQueueUrlFor, makeVisibleNow } from "../../../functions/transform/fast-dead-letter";

describe("isRetryable", () => {
  it.each([
    ["a key the transform refuses", new UnprocessableObjectError("x"), false],
    ["a file that is not a playlist", new InvalidSnapshotError("x"), false],
    ["a body that is no S3 event", new UnreadableMessageError("x"), false],
    ["a transient TransformError", new TransformError("x", { retryable: true }), true],
    [
      "an S3 server fault",
      Object.assign(new Error("slow down"), { name: "SlowDown", $fault: "server" }),
      true,
    ],
    ["a network error", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    [
      "access denied",
      Object.assign(new Error("denied"), { name: "AccessDenied", $fault: "client" }),
      false,
    ],
    [
      "a table write that failed on a server fault",
      new TableWriteError("x", {
        cause: Object.assign(new Error("503"), { $fault: "server" }),
        leftBehind: [],
      }),
      true,
    ],
    [
      "several objects, one of them transient",
      new AggregateError([new InvalidSnapshotError("x"), new Error("timeout")]),
      true,
    ],
    [
      "several objects, all permanent",
      new AggregateError([new InvalidSnapshotError("x"), new UnprocessableObjectError("y")]),
      false,
    ],
  ])("%s: %s", (_, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe("awsQueueUrlFor", () => {
  it.each([
    [
      "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-ingest",
    ],
    [
      "arn:aws-cn:sqs:cn-north-1:123456789012:q",
      "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q",
    ],
  ])("%s -> %s", (arn, url) => {
    expect(awsQueueUrlFor(arn)).toBe(url);
  });

  it("refuses what is not an SQS queue ARN", () => {
    expect(() => awsQueueUrlFor("arn:aws:sns:us-east-1:1:topic")).toThrow("not an SQS queue ARN");
  });
});

describe("makeVisibleNow", () => {
  // A client mock: only the error branches (a refused entry, a failed call) are exercised here;
  // the success path runs over fauxqs in the dead-letter integration tests.
  function sqsAnswering(...answers: (Error | { Failed: { Id: string; Code: string }[] })[]) {
    const calls: { Id: string; ReceiptHandle: string }[][] = [];
    const sqs = {
      send: (command: { input: { Entries: { Id: string; ReceiptHandle: string }[] } }) => {
        calls.push(command.input.Entries);
        const answer = answers[calls.length - 1] ?? { Failed: [] };
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    } as unknown as SQSClient;
    return { sqs, calls };
  }
  const handles = Array.from({ length: 12 }, (_, i) => `handle-${i}`);

  it("sends 10 entries a call and maps a refused entry back to its own index", async () => {
    const { sqs, calls } = sqsAnswering(
      { Failed: [{ Id: "3", Code: "ReceiptHandleIsInvalid" }] },
      { Failed: [{ Id: "0", Code: "ReceiptHandleIsInvalid" }] },
    );

    const refused = await makeVisibleNow(sqs, "https://sqs.example/q", handles);

    expect(calls.map((entries) => entries.map((e) => e.ReceiptHandle))).toEqual([
      handles.slice(0, 10),
      handles.slice(10),
    ]);
    expect(refused).toEqual([
      { index: 3, reason: "ReceiptHandleIsInvalid: " },
      { index: 10, reason: "ReceiptHandleIsInvalid: " },
    ]);
  });

  it("counts a call that fails for its own messages only, and goes on with the next call", async () => {
    const { sqs, calls } = sqsAnswering({ Failed: [] }, new Error("throttled"));

    const refused = await makeVisibleNow(sqs, "https://sqs.example/q", handles);

    expect(calls).toHaveLength(2);
    expect(refused).toEqual([
      { index: 10, reason: "throttled" },
      { index: 11, reason: "throttled" },
    ]);
  });
});
