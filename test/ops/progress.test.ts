import { createProgressReporter, renderProgress } from "../../scripts/ops/progress";

describe("progress reporter", () => {
  function stream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, isTTY, write: (text: string) => writes.push(text) };
  }

  it("renders a bar with a count and a percentage, or a bare count without a total", () => {
    // Act
    const bar = renderProgress("replayed", 12, 32, 16);
    const count = renderProgress("replayed", 12, undefined);

    // Assess
    expect(bar).toBe("replayed [######----------] 12/32 37%");
    expect(count).toBe("replayed 12");
    expect(renderProgress("moved", 5, 5, 4, "(1 failed)")).toBe("moved [####] 5/5 100% (1 failed)");
  });

  it("redraws one line in place on a terminal and ends it with a newline", () => {
    // Prepare
    const terminal = stream(true);
    const progress = createProgressReporter({ label: "moved", stream: terminal, width: 4 });

    // Act
    progress.update(0, 4);
    progress.update(2, 4);
    progress.finish();

    // Assess
    expect(terminal.writes).toEqual([
      "\r\x1b[2Kmoved [----] 0/4 0%",
      "\r\x1b[2Kmoved [##--] 2/4 50%",
      "\r\x1b[2Kmoved [##--] 2/4 50%\n",
    ]);
  });

  it("writes plain lines at most once per interval when not a terminal, and always the last state", () => {
    // Prepare
    const log = stream(false);
    let now = 0;
    const progress = createProgressReporter({
      label: "moved",
      stream: log,
      width: 4,
      clock: () => now,
      plainIntervalMs: 1000,
    });

    // Act
    progress.update(0, 4);
    now = 500;
    progress.update(1, 4); // too soon: skipped
    now = 1500;
    progress.update(2, 4);
    now = 1600;
    progress.update(3, 4); // too soon, but finish() prints the final state
    progress.finish();
    progress.update(4, 4); // after finish: ignored

    // Assess
    expect(log.writes).toEqual([
      "moved [----] 0/4 0%\n",
      "moved [##--] 2/4 50%\n",
      "moved [###-] 3/4 75%\n",
    ]);
  });

  it("keeps the known total when an update gives none, and grows it when the count passes it", () => {
    // Prepare
    const log = stream(false);
    const progress = createProgressReporter({
      label: "moved",
      stream: log,
      width: 4,
      plainIntervalMs: 0,
    });

    // Act
    progress.update(1, 4);
    progress.update(2);
    progress.update(6, 4);

    // Assess
    expect(log.writes).toEqual([
      "moved [#---] 1/4 25%\n",
      "moved [##--] 2/4 50%\n",
      "moved [####] 6/6 100%\n",
    ]);
  });
});
