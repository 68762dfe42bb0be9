import {
  InvalidSnapshotError,
  isRetryable,
  TableWriteError,
  TransformError,
  UnprocessableObjectError,
  UnreadableMessageError,
} from "../../../functions/transform/errors";
import { awsQueueUrlFor } from "../../../functions/transform/fast-dead-letter";

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
