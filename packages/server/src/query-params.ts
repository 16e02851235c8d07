/**
 * Query parameters whose text is read exactly as the OpenAPI document
 * declares it, no more loosely and no more strictly: an RFC 3339 date-time
 * (`format: date-time` and a pattern of the same syntax) and a decimal
 * whole number in a range (`type: integer`).
 */
import { z } from "@hono/zod-openapi";

/**
 * RFC 3339 date-time: date, `T`, time with seconds (a fraction allowed), and
 * `Z` or an offset; `t` and `z` may be lower case. A leap second (`:60`) is
 * not accepted: no clock of the engine has one.
 */
export const dateTimePattern =
  "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
const dateTimeRegex = new RegExp(dateTimePattern);

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** The instant an RFC 3339 date-time names, or undefined when it is not one (a 31st of April, say). */
export function parseDateTime(text: string): Date | undefined {
  if (!dateTimeRegex.test(text)) return undefined;
  const [year, month, day, hour, minute, second] = [0, 5, 8, 11, 14, 17].map((at) =>
    Number(text.slice(at, at + (at === 0 ? 4 : 2))),
  ) as [number, number, number, number, number, number];
  if (day > daysIn(year, month)) return undefined;
  const rest = text.slice(19);
  const fraction = /^\.[0-9]+/.exec(rest)?.[0] ?? "";
  const zone = rest.slice(fraction.length);
  const offset = /^[Zz]$/.test(zone)
    ? 0
    : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, Math.floor(Number(`0${fraction || ".0"}`) * 1000));
  return date;
}

/** A query parameter holding an RFC 3339 date-time; the handler gets a `Date`. */
export const DateTimeParam = z
  .string()
  .regex(dateTimeRegex, "expected an RFC 3339 date-time such as 2026-11-29T10:00:00Z")
  .refine((text) => parseDateTime(text) !== undefined, "expected a date that exists (e.g. no 31st of April)")
  .transform((text) => parseDateTime(text) as Date)
  .openapi({ type: "string", format: "date-time", pattern: dateTimePattern, example: "2026-11-29T10:00:00Z" });

/** A query parameter holding a whole number from `min` to `max`, written in decimal digits only. */
export function integerParam(min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: "integer", minimum: min, maximum: max });
}
