/** An ANSI colour code at the start of a string. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
export const leadingColorCode = /^\x1b\[[0-9;]*m/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
const ansi = /\x1b\[[0-9;]*m/g;

/** Length of `text` on screen: without its ANSI colour codes. */
export function visibleLength(text: string): number {
  return text.replace(ansi, "").length;
}

/**
 * Lines of a table: each column padded to its widest cell (colour codes not
 * counted), columns two spaces apart, nothing after the last cell. Rows may
 * be shorter than others; the first row is usually the (styled) header.
 *
 * @example
 * formatTable([["ID", "STATUS"], ["order-1", "completed"]]);
 * // ["ID       STATUS", "order-1  completed"]
 */
export function formatTable(rows: string[][], indent = ""): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, column) =>
      column === row.length - 1 ? cell : cell + " ".repeat((widths[column] ?? 0) - visibleLength(cell)),
    );
    return (indent + cells.join("  ")).trimEnd();
  });
}
