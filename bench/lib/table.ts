/**
 * Formats a summary table as aligned text: labels left-aligned, numbers
 * right-aligned with the column's decimals and thousands separators.
 */
import type { Column, Row } from "./scenario.js";

const formatCell = (value: Row[string] | undefined, column: Column): string => {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return "-";
  const digits = column.digits ?? 0;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** The table as lines of text: a header, a rule, one line per row. */
export function formatTable(columns: readonly Column[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column.key], column)));
  const numeric = columns.map((column) => rows.some((row) => typeof row[column.key] === "number"));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    line(columns.map((column) => column.title)),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.map(line),
  ].join("\n");
}
