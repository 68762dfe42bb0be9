import { jest } from "@jest/globals";
import {
  describeFailure,
  parseDateFlag,
  parseIntegerFlag,
  runCommand,
  UsageError,
} from "../../scripts/ops/cli";
import { parseOpsArgs } from "../../scripts/ops/ops-commands";
import { parseReplayArgs } from "../../scripts/ops/replay-dlq";
import { parseReprocessArgs } from "../../scripts/ops/reprocess";

describe("operator command lines", () => {
  const DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/etl-dlq";

  describe("replay-dlq", () => {
    it("reads every flag the Makefile and the docs use", () => {
      // Act
      const options = parseReplayArgs([
        "--dlq-url",
        DLQ,
        "--target-url",
        `${DLQ}-source`,
        "--mode",
        "manual",
        "--dry-run",
        "--max",
        "25",
        "--rate",
        "10",
      ]);

      // Assess
      expect(options).toEqual({
        dlqUrl: DLQ,
        targetUrl: `${DLQ}-source`,
        mode: "manual",
        dryRun: true,
        max: 25,
        ratePerSecond: 10,
      });
    });

    it("defaults to a move task back to the source queue", () => {
      // Act
      const options = parseReplayArgs(["--dlq-url", DLQ]);

      // Assess
      expect(options).toEqual({
        dlqUrl: DLQ,
        mode: "move-task",
        dryRun: false,
        max: undefined,
        ratePerSecond: undefined,
      });
    });

    it("tells the user to deploy first when the Terraform output was empty", () => {
      // Act
      const parse = () => parseReplayArgs(["--dlq-url", "", "--dry-run"]);

      // Assess
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(/dead_letter_queue_url.*run `make deploy` first.*or pass --dlq-url/s);
    });

    it.each([
      [["--dlq-url", DLQ, "--mode", "fast"], "--mode must be move-task or manual"],
      [["--dlq-url", DLQ, "--max", "0"], "--max must be at least 1, got 0"],
      [["--dlq-url", DLQ, "--max", "ten"], "--max must be a whole number"],
      [["--dlq-url", DLQ, "--rate", "501"], "--rate must be 1 to 500, got 501"],
      [["--dlq-url", DLQ, "--bogus"], "Unknown option '--bogus'"],
      [["--dlq-url", DLQ, "extra"], "unexpected argument extra"],
    ])("rejects %j", (argv, message) => {
      // Act
      const parse = () => parseReplayArgs(argv);

      // Assess
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(message);
    });

    it("allows any --rate in manual mode, where it only paces sends", () => {
      // Act
      const options = parseReplayArgs(["--dlq-url", DLQ, "--mode", "manual", "--rate", "2000"]);

      // Assess
      expect(options).toMatchObject({ ratePerSecond: 2000 });
    });
  });

  describe("reprocess", () => {
    it("reads the flags make reprocess passes", () => {
      // Act
      const options = parseReprocessArgs([
        "--bucket",
        "lake",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--dry-run",
      ]);

      // Assess
      expect(options).toEqual({
        bucket: "lake",
        from: "2026-11-01",
        to: "2026-11-22",
        dryRun: true,
      });
    });

    it.each([
      [["--bucket", "lake"], "Say which snapshots to reprocess"],
      [["--bucket", "", "--all"], "data_bucket_name"],
      [["--bucket", "lake", "--from", "2026-02-30"], "--from must be a date as YYYY-MM-DD"],
      [["--bucket", "lake", "--from", "2024-01-015"], "--from must be a date as YYYY-MM-DD"],
      [
        ["--bucket", "lake", "--from", "2026-11-22", "--to", "2026-11-01"],
        "--from 2026-11-22 is after --to 2026-11-01",
      ],
      [
        ["--bucket", "lake", "--key", "a.json", "--from", "2026-11-01"],
        "do not combine it with --from",
      ],
    ])("rejects %j", (argv, message) => {
      // Act
      const parse = () => parseReprocessArgs(argv);

      // Assess
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(message);
    });

    it("accepts --key alone, --all, and one day as --from = --to", () => {
      // Act + Assess
      expect(parseReprocessArgs(["--bucket", "lake", "--key", "x.json"])).toEqual({
        bucket: "lake",
        key: "x.json",
        dryRun: false,
      });
      expect(parseReprocessArgs(["--bucket", "lake", "--all"])).toEqual({
        bucket: "lake",
        all: true,
        dryRun: false,
      });
      expect(
        parseReprocessArgs(["--bucket", "lake", "--from", "2026-11-22", "--to", "2026-11-22"]),
      ).toEqual({ bucket: "lake", from: "2026-11-22", to: "2026-11-22", dryRun: false });
    });
  });

  describe("ops", () => {
    it("reads invoke-extract, logs and alarms", () => {
      // Act + Assess
      expect(parseOpsArgs(["invoke-extract", "--function", "etl-extract"])).toEqual({
        command: "invoke-extract",
        functionName: "etl-extract",
      });
      expect(
        parseOpsArgs(["invoke-extract", "--function", "etl-extract", "--playlist-ids", "a, b"]),
      ).toEqual({
        command: "invoke-extract",
        functionName: "etl-extract",
        playlistIds: ["a", "b"],
      });
      expect(parseOpsArgs(["logs", "--function", "etl-transform"])).toEqual({
        command: "logs",
        functionName: "etl-transform",
        sinceMs: 3_600_000,
        limit: 200,
      });
      expect(
        parseOpsArgs([
          "logs",
          "--function",
          "f",
          "--since",
          "2d",
          "--limit",
          "50",
          "--filter",
          "ERROR",
        ]),
      ).toEqual({
        command: "logs",
        functionName: "f",
        sinceMs: 2 * 86_400_000,
        limit: 50,
        filterPattern: "ERROR",
      });
      expect(parseOpsArgs(["alarms", "--prefix", "spotify-etl"])).toEqual({
        command: "alarms",
        prefix: "spotify-etl",
      });
      expect(parseOpsArgs([])).toBe("help");
    });

    it.each([
      [["invoke-extract", "--function", ""], /extract_function_name.*make deploy/s],
      [["logs", "--function", " "], /--function is empty.*make deploy/s],
      [["alarms", "--prefix", ""], /name_prefix.*make deploy/s],
      [["alarms"], /--prefix is empty/],
      [
        ["logs", "--function", "f", "--since", "yesterday"],
        /--since must be a duration like 30m, 1h or 2d/,
      ],
      [["logs", "--function", "f", "--since", "0m"], /--since must be a duration/],
      [["restart"], /unknown command "restart"/],
    ])("rejects %j", (argv, message) => {
      // Act
      const parse = () => parseOpsArgs(argv);

      // Assess
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(message);
    });
  });

  describe("shared helpers", () => {
    it("parses bounded integers and real dates", () => {
      // Act + Assess
      expect(parseIntegerFlag(undefined, "max", { min: 1 })).toBeUndefined();
      expect(parseIntegerFlag("500", "rate", { min: 1, max: 500 })).toBe(500);
      expect(() => parseIntegerFlag("1.5", "max", { min: 1 })).toThrow("whole number");
      // 2^53 + 1 would be read as 2^53: refused rather than rounded
      expect(() => parseIntegerFlag("9007199254740993", "max", { min: 1 })).toThrow("whole number");
      expect(parseDateFlag("2024-02-29", "from")).toBe("2024-02-29");
      expect(() => parseDateFlag("2023-02-29", "from")).toThrow(UsageError);
    });

    it("prints a failure as one line, with its stack trace only under OPS_DEBUG", async () => {
      // Prepare
      const printed: unknown[] = [];
      const spy = jest.spyOn(console, "error").mockImplementation((line: unknown) => {
        printed.push(line);
      });
      const debug = process.env.OPS_DEBUG;
      const fail = () => Promise.reject(new Error("boom"));

      // Act
      try {
        delete process.env.OPS_DEBUG;
        await runCommand(fail, "replay-dlq");
        process.env.OPS_DEBUG = "1";
        await runCommand(fail, "replay-dlq");
      } finally {
        spy.mockRestore();
        if (debug === undefined) delete process.env.OPS_DEBUG;
        else process.env.OPS_DEBUG = debug;
        process.exitCode = undefined; // not this test process's own exit code
      }

      // Assess
      expect(printed).toEqual([
        "replay-dlq: boom",
        "replay-dlq: boom",
        expect.stringMatching(/^Error: boom\n\s+at /),
      ]);
    });

    it("describes failures: usage errors exit 2, AWS errors 1 with their code", () => {
      // Act + Assess
      expect(describeFailure(new UsageError("bad flag"))).toEqual({
        message: "bad flag",
        exitCode: 2,
      });
      expect(
        describeFailure(Object.assign(new Error("Queue gone"), { name: "QueueDoesNotExist" })),
      ).toEqual({
        message: "QueueDoesNotExist: Queue gone",
        exitCode: 1,
      });
    });
  });
});
