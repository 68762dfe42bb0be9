import {
  maxRawObjectBytes,
  rawBytesBudgetFor,
} from "../../../functions/transform/raw-bytes-budget";

/** Work that records how many pieces of work ran at once, and ends when `finish` is called. */
function trackedWork() {
  let running = 0;
  let mostAtOnce = 0;
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const work = (name: string) => () => {
    started.push(name);
    mostAtOnce = Math.max(mostAtOnce, ++running);
    return new Promise<string>((resolve) =>
      finishers.set(name, () => {
        running -= 1;
        resolve(name);
      }),
    );
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    work,
    settle,
    started,
    mostAtOnce: () => mostAtOnce,
    finish: async (name: string) => {
      finishers.get(name)!();
      await settle();
    },
  };
}

/** `promise`, or a rejection if it is still pending after a second (work that never starts). */
function withinASecond<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("still waiting after a second")), 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("rawBytesBudgetFor (how much raw JSON the transform works on at once)", () => {
  it("allows an eighth of V8's heap limit", () => {
    // Act
    const budget = rawBytesBudgetFor(557 * 1024 * 1024);

    // Assess
    expect(budget.capacityBytes).toBe(Math.floor((557 * 1024 * 1024) / 8));
  });

  it("runs small objects all at once", async () => {
    // Prepare
    const budget = rawBytesBudgetFor(800);
    const tracked = trackedWork();

    // Act
    const runs = ["a", "b", "c", "d"].map((name) => budget.run(10, tracked.work(name)));
    await tracked.settle();
    for (const name of ["a", "b", "c", "d"]) await tracked.finish(name);

    // Assess
    expect(await Promise.all(runs)).toEqual(["a", "b", "c", "d"]);
    expect(tracked.mostAtOnce()).toBe(4);
  });

  it("starts an object once the running ones leave room for it, in the order asked", async () => {
    // Prepare: a budget of 100 bytes
    const budget = rawBytesBudgetFor(800);
    const tracked = trackedWork();

    // Act
    const runs = [
      budget.run(60, tracked.work("a")),
      budget.run(60, tracked.work("b")),
      budget.run(30, tracked.work("c")),
    ];
    await tracked.settle();
    const startedWhileAWorked = [...tracked.started];
    await tracked.finish("a");
    const startedAfterA = [...tracked.started];
    await tracked.finish("b");
    await tracked.finish("c");

    // Assess: c fits beside a, but waits its turn behind b
    expect(startedWhileAWorked).toEqual(["a"]);
    expect(startedAfterA).toEqual(["a", "b", "c"]);
    expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
  });

  it.each([
    ["larger than the whole budget", 5_000],
    ["of unknown size", undefined],
    ["of size zero", 0],
    ["of a size that is not a number", Number.NaN],
  ])("runs an object %s alone, without waiting forever", async (_label, size) => {
    // Prepare
    const budget = rawBytesBudgetFor(800);
    const tracked = trackedWork();

    // Act
    const runs = [budget.run(size, tracked.work("big")), budget.run(1, tracked.work("small"))];
    await tracked.settle();
    const startedWhileBigWorked = [...tracked.started];
    await tracked.finish("big");
    await tracked.finish("small");

    // Assess
    expect(startedWhileBigWorked).toEqual(["big"]);
    expect(await Promise.all(runs)).toEqual(["big", "small"]);
  });

  it("counts fractional sizes in whole bytes, so the whole budget comes back", async () => {
    // Prepare: sizes whose floating-point sum does not come back to 100 exactly
    const budget = rawBytesBudgetFor(800);
    await Promise.all([14.7, 16.1, 17.7].map((size) => budget.run(size, async () => size)));

    // Act: an object of unknown size needs the whole budget
    const alone = budget.run(undefined, async () => "alone");

    // Assess
    await expect(withinASecond(alone)).resolves.toBe("alone");
  });

  it("rejects a heap limit that is not a positive number", () => {
    // Act
    const act = () => rawBytesBudgetFor(Number.NaN);

    // Assess
    expect(act).toThrow(/heap limit must be a positive number of bytes, got NaN/);
  });

  it("gives the bytes back when work fails", async () => {
    // Prepare
    const budget = rawBytesBudgetFor(800);

    // Act
    const failed = budget.run(100, () => Promise.reject(new Error("bad object")));
    const next = budget.run(100, () => Promise.resolve("next"));

    // Assess
    await expect(failed).rejects.toThrow("bad object");
    await expect(withinASecond(next)).resolves.toBe("next");
  });
});

describe("maxRawObjectBytes (MAX_RAW_OBJECT_BYTES)", () => {
  it("defaults to a tenth of the heap limit, below what a file alone was measured to need", () => {
    expect(maxRawObjectBytes({}, 800 * 2 ** 20)).toBe(80 * 2 ** 20);
  });

  it("takes the variable when set", () => {
    expect(maxRawObjectBytes({ MAX_RAW_OBJECT_BYTES: " 5000000 " }, 800 * 2 ** 20)).toBe(5_000_000);
  });

  it.each(["0", "-1", "12MB", "1e6", "3.5"])("refuses %j, naming the variable", (value) => {
    expect(() => maxRawObjectBytes({ MAX_RAW_OBJECT_BYTES: value }, 2 ** 30)).toThrow(
      /^MAX_RAW_OBJECT_BYTES must be a positive whole number of bytes/,
    );
  });
});
