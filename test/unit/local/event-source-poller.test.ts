import { failedMessageIds } from "../../../scripts/local/event-source-poller";

describe("failedMessageIds (Lambda's rules for a ReportBatchItemFailures response)", () => {
  const batch = ["m1", "m2", "m3"];

  it.each([
    ["a null response", null],
    ["no response", undefined],
    ["an empty response", {}],
    ["a null batchItemFailures", { batchItemFailures: null }],
    ["an empty batchItemFailures", { batchItemFailures: [] }],
  ])("treats %s as the whole batch's success", (_, response) => {
    expect(failedMessageIds(response, batch)).toEqual(new Set());
  });

  it("retries only the messages named", () => {
    const response = { batchItemFailures: [{ itemIdentifier: "m2" }, { itemIdentifier: "m3" }] };
    expect(failedMessageIds(response, batch)).toEqual(new Set(["m2", "m3"]));
  });

  it.each([
    ["an empty itemIdentifier", [{ itemIdentifier: "m1" }, { itemIdentifier: "" }]],
    ["a null itemIdentifier", [{ itemIdentifier: null }]],
    ["a missing itemIdentifier", [{ messageId: "m1" }]],
    ["an id of no message in the batch", [{ itemIdentifier: "m9" }]],
    ["a batchItemFailures that is no list", "m1"],
  ])("fails the whole batch for %s", (_, batchItemFailures) => {
    expect(failedMessageIds({ batchItemFailures }, batch)).toEqual(new Set(batch));
  });
});
