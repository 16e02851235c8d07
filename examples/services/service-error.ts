import { FatalError } from "baton";

/**
 * Error of a fake service. `transient` errors are worth retrying (a timeout,
 * a 503); the others are not (a declined card).
 */
export class ServiceError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(`${service}.${operation}: ${message}`);
    this.name = "ServiceError";
  }
}

/**
 * Calls `fn`, turning a permanent `ServiceError` into a `FatalError` so the
 * step that called it fails at once instead of retrying.
 *
 * @example
 * await ctx.step("charge", () => permanentIsFatal(() => payments.charge(...)));
 */
export async function permanentIsFatal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError && !error.transient) throw new FatalError(error.message, { cause: error });
    throw error;
  }
}
