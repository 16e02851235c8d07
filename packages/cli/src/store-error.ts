import { BatonError } from "baton";
import { CliError } from "./cli-error.js";
import { maskPasswordsIn } from "./mask-password.js";

/**
 * A CliError for a failure of the store at `address`: `context` (which names
 * the address, masked) followed by the cause's message, with the address's
 * password masked throughout.
 *
 * @example
 * throw storeError(error, `cannot open store "${maskPassword(address)}"`, address);
 */
export function storeError(error: unknown, context: string, address: string): CliError {
  const message = error instanceof Error ? error.message : String(error);
  // The library's INVALID_STORE messages name the address already.
  const text = error instanceof BatonError && error.code === "INVALID_STORE" ? message : `${context}: ${message}`;
  return new CliError(maskPasswordsIn(text, address), { cause: error });
}
