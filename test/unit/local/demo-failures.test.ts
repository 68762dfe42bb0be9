import { demoFailures } from "../../../scripts/local/demo-outcome";
import type { ExtractRun } from "../../../scripts/local/pipeline";

describe("demoFailures (make demo's exit code)", () => {
  const ok: ExtractRun = { at: new Date("2024-04-22T16:00:00Z"), written: 1 };
  const failed: ExtractRun = { ...ok, written: 0, error: "Spotify said 500" };
  const POISON_KEY = "raw_data/to_process/poison.json";
  const OTHER_KEY = "raw_data/to_process/other.json";

  it.each([
    ["the demo with an empty DLQ", [ok, ok], [], []],
    ["the failure demo with only its poison object in the DLQ", [ok], [POISON_KEY], [POISON_KEY]],
  ])("finds nothing wrong with %s", (_, runs, deadLetters, expected) => {
    expect(demoFailures(runs, deadLetters, expected)).toEqual([]);
  });

  it.each([
    ["an extract run failed", [ok, failed], [], [], ["1/2 extract runs failed"]],
    [
      "the DLQ holds a message",
      [ok],
      [OTHER_KEY],
      [],
      ["the dead-letter queue holds 1 message(s), expected 0"],
    ],
    [
      "the failure demo's DLQ holds another message too",
      [ok],
      [POISON_KEY, OTHER_KEY],
      [POISON_KEY],
      ["the dead-letter queue holds 2 message(s), expected 1"],
    ],
    [
      "the failure demo's poison object is not in the DLQ",
      [failed],
      [],
      [POISON_KEY],
      ["1/1 extract runs failed", "the dead-letter queue holds 0 message(s), expected 1"],
    ],
  ])("fails when %s", (_, runs, deadLetters, expected, reasons) => {
    expect(demoFailures(runs, deadLetters, expected)).toEqual(reasons);
  });
});
