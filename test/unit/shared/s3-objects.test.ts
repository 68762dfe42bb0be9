import type { S3Client } from "@aws-sdk/client-s3";
import { headObjectIfExists } from "../../../functions/shared/s3-objects";

// A client mock for the error branches; the found case runs over fauxqs in the ops tests.
function s3Failing(name: string): S3Client {
  return {
    send: () => Promise.reject(Object.assign(new Error(name), { name })),
  } as unknown as S3Client;
}

describe("headObjectIfExists", () => {
  it.each(["NotFound", "NoSuchKey"])("answers undefined when S3 says %s", async (name) => {
    await expect(headObjectIfExists(s3Failing(name), "b", "k")).resolves.toBeUndefined();
  });

  it("rethrows any other error, such as AccessDenied", async () => {
    await expect(headObjectIfExists(s3Failing("AccessDenied"), "b", "k")).rejects.toThrow(
      "AccessDenied",
    );
  });
});
