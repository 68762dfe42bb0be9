/** Renders rows as a plain-text table for the terminal. */

function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return value.toISOString().replace("T00:00:00.000Z", "");
  if (Array.isArray(value)) return `[${value.map(cell).join(", ")}]`;
  return String(value).replace(/\n/g, "\\n");
}

/** The rows as an aligned table (columns from the first row), at most `maxWidth` chars a cell. */
export function formatTable(rows: Record<string, unknown>[], maxWidth = 40): string {
  if (rows.length === 0) return "(no rows)";
  const columns = Object.keys(rows[0]!);
  const clip = (text: string) =>
    text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  const body = rows.map((row) => columns.map((column) => clip(cell(row[column]))));
  // A reduce, not Math.max(...rows): spreading a large result overflows the call stack.
  const widths = columns.map((column, i) =>
    body.reduce((width, cells) => Math.max(width, cells[i]!.length), column.length),
  );
  const line = (cells: string[]) =>
    cells
      .map((text, i) => text.padEnd(widths[i]!))
      .join(" | ")
      .trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("-+-"), ...body.map(line)].join(
    "\n",
  );
}
