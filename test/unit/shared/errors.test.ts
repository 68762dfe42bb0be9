/**
 * One base error with `retryable` (functions/shared/errors.ts) under both functions' own error
 * classes: callers read `retryable`, `name` and `cause` the same way for either.
 */
import { PipelineError } from "../../../functions/shared/errors";
import {
  CredentialsError,
  ExtractError,
  PlaylistExtractError,
} from "../../../functions/extract/errors";
import {
  InvalidChartFileError,
  InvalidSnapshotError,
  TableWriteError,
  TransformError,
  UnprocessableObjectError,
  UnreadableMessageError,
} from "../../../functions/transform/errors";

describe("PipelineError", () => {
  it("carries retryable and passes the cause on only when there is one", () => {
    // Act
    const withCause = new PipelineError("boom", { retryable: true, cause: "root" });
    const without = new PipelineError("boom", { retryable: false });

    // Assess
    expect([withCause.retryable, withCause.cause, withCause.message]).toEqual([
      true,
      "root",
      "boom",
    ]);
    expect([without.retryable, "cause" in without]).toEqual([false, false]);
  });

  it("is the base of both functions' errors, each keeping its own name", () => {
    // Act
    const errors = [
      new CredentialsError("no secret"),
      new PlaylistExtractError("edited", "changed-while-reading"),
      new UnprocessableObjectError("too large"),
      new TableWriteError("write failed", { cause: new Error("503"), leftBehind: [] }),
    ];

    // Assess
    expect(errors.map((e) => [e.name, e instanceof PipelineError, e.retryable])).toEqual([
      ["CredentialsError", true, false],
      ["PlaylistExtractError", true, true],
      ["UnprocessableObjectError", true, false],
      ["TableWriteError", true, true],
    ]);
    expect(errors[0]).toBeInstanceOf(ExtractError);
    expect(errors[2]).toBeInstanceOf(TransformError);
  });

  it.each([
    ["UnprocessableObjectError", UnprocessableObjectError],
    ["InvalidSnapshotError", InvalidSnapshotError],
    ["UnreadableMessageError", UnreadableMessageError],
    ["InvalidChartFileError", InvalidChartFileError],
  ] as const)("%s is final and keeps its cause", (name, ErrorClass) => {
    // Act
    const error = new ErrorClass("bad input", { cause: "parse" });

    // Assess
    expect([error.name, error.retryable, error.cause, error instanceof TransformError]).toEqual([
      name,
      false,
      "parse",
      true,
    ]);
  });
});
