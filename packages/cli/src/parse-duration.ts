import { InvalidArgumentError } from "@commander-js/extra-typings";
import { toMilliseconds } from "baton";

/**
 * Reads a duration option (`"500ms"`, `"30s"`, `"1h30m"`, or milliseconds) as
 * milliseconds; commander reports a bad one as a usage error naming the value.
 *
 * @example
 * new Option("--lease <duration>").argParser(parseDuration);
 */
export function parseDuration(value: string): number {
  try {
    return toMilliseconds(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
