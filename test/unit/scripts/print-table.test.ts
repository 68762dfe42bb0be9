import { describe, expect, it } from "@jest/globals";
import { formatTable } from "../../../scripts/lib/print-table";

describe("formatTable", () => {
  it("aligns columns to the widest cell", () => {
    // Act
    const table = formatTable([
      { name: "a", rank: 1 },
      { name: "longer", rank: null },
    ]);

    // Assess
    expect(table.split("\n")).toEqual([
      "name   | rank",
      "-------+-----",
      "a      | 1",
      "longer | NULL",
    ]);
  });

  it("renders a result of 200,000 rows (no spread of every row into one call)", () => {
    // Prepare
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ position: i + 1 }));

    // Act
    const lines = formatTable(rows).split("\n");

    // Assess
    expect(lines).toHaveLength(200_002);
    expect(lines.at(-1)).toBe("200000");
    expect(lines[0]).toBe("position");
  });
});
