import { BatonError } from "./errors.js";

/**
 * A length of time: milliseconds as a number, or a string of one or more
 * `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, `w`
 * (`"500ms"`, `"30s"`, `"1h30m"`, `"3d"`).
 */
export type Duration = number | string;

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;

/**
 * Converts a duration to milliseconds.
 *
 * @example
 * toMilliseconds("1h30m"); // 5_400_000
 * @throws BatonError `INVALID_DURATION` naming the value when it cannot be read.
 */
export function toMilliseconds(duration: Duration): number {
  if (typeof duration === "number") {
    if (Number.isFinite(duration) && duration >= 0) return duration;
    throw new BatonError("INVALID_DURATION", `invalid duration ${duration}: expected milliseconds >= 0`);
  }
  const text = String(duration).trim();
  let total = 0;
  let matched = 0;
  part.lastIndex = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
    matched = part.lastIndex;
    while (text[part.lastIndex] === " ") part.lastIndex++;
  }
  if (text === "" || matched !== text.trimEnd().length) {
    throw new BatonError(
      "INVALID_DURATION",
      `invalid duration ${JSON.stringify(duration)}: expected e.g. "500ms", "30s", "1h30m", "3d"`,
    );
  }
  return Math.round(total);
}
