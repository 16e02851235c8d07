/** Prints `value` as JSON on standard output (two-space indented), for `--json`. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
