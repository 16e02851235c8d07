/**
 * Parsers of option values. Each throws commander's InvalidArgumentError,
 * which commander reports as a usage error (exit 2) naming the option, the
 * value and the reason.
 */
import { checkAllowedHost } from "@baton/server";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { type RunStatus, runStatuses as statuses } from "baton";
import { parseDuration } from "./parse-duration.js";

/** A JSON value (`--input`, `--payload`). */
export function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`malformed JSON: ${(error as Error).message}`);
  }
}

/** Comma-separated run statuses (`--status failed,cancelled`). */
export function parseStatuses(value: string): RunStatus[] {
  const list = value.split(",").map((status) => status.trim());
  const unknown = list.filter((status) => !statuses.includes(status as RunStatus));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown status "${unknown.join('", "')}" (expected ${statuses.join(", ")})`);
  }
  return list as RunStatus[];
}

/** A point in time as an ISO string: an ISO time or date, or a duration ago (`1h` = an hour ago). */
export function parseTime(value: string): string {
  if (/^\d+(\.\d+)?(ms|s|m|h|d|w)/.test(value.trim())) {
    return new Date(Date.now() - parseDuration(value)).toISOString();
  }
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError("expected an ISO time (2025-06-01T12:00:00Z) or a duration ago (1h)");
  return new Date(time).toISOString();
}

/** An integer of at least 1 (`--limit`, `--body-limit`). */
export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1");
  return Number(value);
}

/** A port number, 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError("expected a port number, 0 to 65535");
  return Number(value);
}

/** A step position (`2`) or a step name (`charge`). */
export function parseStep(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A run timeout: checked as a duration, sent as given (milliseconds as a number). */
export function parseTimeout(value: string): number | string {
  parseDuration(value);
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Comma-separated tokens (`--token a,b`); blanks dropped. */
export function parseTokens(value: string): string[] {
  return value
    .split(",")
    .map((token) => token.trim())
    .filter((token) => token !== "");
}

/** A host name the server answers besides loopback ones (`--allowed-host`, repeatable), added to those before. */
export function parseAllowedHost(value: string, previous: string[] = []): string[] {
  try {
    return [...previous, checkAllowedHost(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** An integer, negative allowed (`--priority -1`). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number, such as 5 or -1");
  return Number(value);
}
