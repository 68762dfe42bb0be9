import { execFileSync } from "node:child_process";
import path from "node:path";

describe("make logs", () => {
  it("passes ARGS (--since, --limit, --filter) on to the command", () => {
    // Act: make's dry run prints the command line it would run
    const commands = execFileSync(
      "make",
      ["-n", "logs", "FN=extract", "ARGS=--since 6h --limit 50 --filter ERROR"],
      { cwd: path.resolve(import.meta.dirname, "../.."), encoding: "utf8" },
    );

    // Assess
    expect(commands).toMatch(
      /scripts\/ops\.ts logs --function "[^"]*" --since 6h --limit 50 --filter ERROR$/m,
    );
  });
});
