import { describe, expect, it } from "@jest/globals";
import { readTransformConfig } from "../../../functions/transform/config";
import { TransformConfigError } from "../../../functions/transform/errors";

const HEAP = 400 * 2 ** 20;

describe("readTransformConfig", () => {
  it("reads the bucket, the raw size cap and the crawler", () => {
    // Act
    const config = readTransformConfig(
      { DATA_BUCKET: " lake ", MAX_RAW_OBJECT_BYTES: "1000", GLUE_CRAWLER_NAME: "crawler" },
      HEAP,
    );
    const defaults = readTransformConfig({ DATA_BUCKET: "lake", GLUE_CRAWLER_NAME: " " }, HEAP);

    // Assess
    expect(config).toEqual({ bucket: "lake", maxRawBytes: 1000, glueCrawlerName: "crawler" });
    expect(defaults.glueCrawlerName).toBeUndefined();
    expect(defaults.maxRawBytes).toBeGreaterThan(0);
    expect(defaults.maxRawBytes).toBeLessThan(HEAP);
  });

  it("lists every problem at once, as a final error", () => {
    // Act
    let error: unknown;
    try {
      readTransformConfig({ MAX_RAW_OBJECT_BYTES: "1e6" }, HEAP);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(TransformConfigError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as TransformConfigError).problems).toEqual([
      "DATA_BUCKET is not set: the transform needs the data lake bucket name",
      'MAX_RAW_OBJECT_BYTES must be a positive whole number of bytes, got "1e6"',
    ]);
  });
});
