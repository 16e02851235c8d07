/**
 * Which PostgreSQL errors mean "the connection or the server went away"
 * (retry on a new connection) rather than "the statement is wrong".
 */

/** SQLSTATE classes and codes worth a retry: connection exceptions, shutdown, too many connections. */
const transientCodes = new Set(["57P01", "57P02", "57P03", "53300", "40001", "40P01"]);
const transientNodeCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);
const transientMessages = [
  "Connection terminated",
  "connection error",
  "timeout exceeded when trying to connect",
  "Client was closed",
  "terminating connection",
  "the database system is",
];

/** True when retrying on a new connection may succeed. */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (code.startsWith("08") || transientCodes.has(code) || transientNodeCodes.has(code)) return true;
  }
  return transientMessages.some((text) => error.message.includes(text));
}

/** Serialization failure and deadlock: the server aborted the statement, the connection is fine. */
const conflictCodes = new Set(["40001", "40P01"]);

/** The warning for a transient error about to be retried: a conflict is not an outage. */
export function retryWarning(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && conflictCodes.has(code)) {
    return `PostgreSQL aborted a statement on a conflict with another transaction, retrying: ${message}`;
  }
  return `PostgreSQL unreachable, retrying: ${message}`;
}

/**
 * True when the statement may have committed although the client saw an
 * error: the connection broke after the statement was sent.
 */
export function isAmbiguousError(error: unknown): boolean {
  if (!isTransientError(error)) return false;
  const code = (error as { code?: unknown }).code;
  // Refused connections and serialization failures never committed.
  return code !== "ECONNREFUSED" && code !== "53300" && code !== "40001" && code !== "40P01" && code !== "57P03";
}
