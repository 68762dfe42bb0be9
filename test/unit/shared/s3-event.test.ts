import { decodeS3EventKey, parseS3NotificationMessage } from "../../../functions/shared/s3-event";
import { encodeS3EventKey, objectCreatedMessage } from "../../../scripts/local/s3-notification";

describe("S3 event keys", () => {
  it.each([
    ["raw_data/to_process/my file.json", "raw_data/to_process/my+file.json"],
    ["raw_data/to_process/a=b,c.json", "raw_data/to_process/a%3Db%2Cc.json"],
    ["raw_data/to_process/café ☕.json", "raw_data/to_process/caf%C3%A9+%E2%98%95.json"],
    ["raw_data/to_process/plus+sign.json", "raw_data/to_process/plus%2Bsign.json"],
    ["raw_data/to_process/it's (1)!*.json", "raw_data/to_process/it%27s+%281%29%21%2A.json"],
  ])("encodes %s as S3 does and decodes it back", (key, encoded) => {
    // Act
    const actual = encodeS3EventKey(key);

    // Assess
    expect(actual).toBe(encoded);
    expect(decodeS3EventKey(actual)).toBe(key);
  });

  it("builds an ObjectCreated record with the encoded key", () => {
    // Act
    const body = JSON.parse(
      objectCreatedMessage({ bucket: "lake", key: "raw_data/to_process/a b.json", size: 3 }),
    );

    // Assess
    expect(body.Records[0].eventSource).toBe("aws:s3");
    expect(body.Records[0].s3.bucket.name).toBe("lake");
    expect(body.Records[0].s3.object.key).toBe("raw_data/to_process/a+b.json");
  });
});

describe("parseS3NotificationMessage", () => {
  it("gives each object's decoded key and its size", () => {
    // Prepare
    const body = objectCreatedMessage({
      bucket: "lake",
      key: "raw_data/to_process/a b.json",
      size: 42,
    });

    // Act
    const message = parseS3NotificationMessage(body);

    // Assess
    expect(message).toEqual({
      kind: "objects",
      objects: [
        {
          eventName: "ObjectCreated:Put",
          bucket: "lake",
          key: "raw_data/to_process/a b.json",
          size: 42,
        },
      ],
    });
  });

  it("leaves the size out of a message built without one, and unknown when parsed", () => {
    // Prepare: the local relay's message for an object already gone
    const body = objectCreatedMessage({ bucket: "lake", key: "k.json" });

    // Act
    const message = parseS3NotificationMessage(body);

    // Assess
    expect(JSON.parse(body).Records[0].s3.object).not.toHaveProperty("size");
    expect(message).toEqual({
      kind: "objects",
      objects: [{ eventName: "ObjectCreated:Put", bucket: "lake", key: "k.json", size: undefined }],
    });
  });

  it("refuses a size that is not a byte count, naming the field", () => {
    // Prepare
    const record = JSON.parse(objectCreatedMessage({ bucket: "lake", key: "k.json", size: 1 }));
    record.Records[0].s3.object.size = -5;

    // Act
    const act = () => parseS3NotificationMessage(JSON.stringify(record));

    // Assess
    expect(act).toThrow(/not an S3 event notification[\s\S]*size/);
  });

  it("refuses an event without records", () => {
    expect(() => parseS3NotificationMessage('{"Records":[]}')).toThrow(
      /not an S3 event notification[\s\S]*Records/,
    );
  });

  it("names an SNS envelope as such", () => {
    // Prepare: S3 -> SNS -> SQS without raw message delivery
    const body = JSON.stringify({
      Type: "Notification",
      MessageId: "m",
      TopicArn: "arn:aws:sns:us-east-1:123456789012:raw",
      Message: objectCreatedMessage({ bucket: "lake", key: "k.json", size: 1 }),
    });

    // Act
    const act = () => parseS3NotificationMessage(body);

    // Assess
    expect(act).toThrow(/SNS notification envelope/);
  });

  it("refuses a key that is not form-encoded UTF-8, quoting it", () => {
    // Prepare
    const record = JSON.parse(objectCreatedMessage({ bucket: "lake", key: "k.json", size: 1 }));
    record.Records[0].s3.object.key = "raw_data/to_process/100%+sure.json";

    // Act
    const act = () => parseS3NotificationMessage(JSON.stringify(record));

    // Assess
    expect(act).toThrow('object key "raw_data/to_process/100%+sure.json" is not encoded as S3');
  });

  it("keeps each record's event name", () => {
    // Prepare
    const body = objectCreatedMessage({
      bucket: "lake",
      key: "raw_data/to_process/k.json",
      eventName: "ObjectRemoved:Delete",
    });

    // Act
    const message = parseS3NotificationMessage(body);

    // Assess
    expect(message).toMatchObject({ objects: [{ eventName: "ObjectRemoved:Delete" }] });
  });
});
