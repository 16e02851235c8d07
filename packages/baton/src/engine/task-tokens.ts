/**
 * Task tokens: the lease of one attempt of a task, handed to a task worker
 * by a poll. A token reads `<run id, base64url>.<position>.<attempt>.<secret>`:
 * it names its task, so a report finds the task by key and compares the
 * attempt and secret (a token of an earlier attempt names the same task but
 * is refused as stale). The secret is 128 random bits drawn per attempt.
 */
import { BatonError } from "../errors.js";
import type { TaskKey } from "../store/store.js";

/** The token of attempt `key.attempt` of a task. */
export function formatTaskToken(key: TaskKey): string {
  return `${Buffer.from(key.runId, "utf8").toString("base64url")}.${key.position}.${key.attempt}.${key.secret}`;
}

const tokenPattern = /^([A-Za-z0-9_-]{1,400})\.(\d{1,9})\.(\d{1,9})\.([0-9a-f]{32})$/;

/**
 * Reads a task token.
 * @throws BatonError `INVALID_TASK_TOKEN` when it is not one.
 */
export function parseTaskToken(token: string): TaskKey {
  const match = typeof token === "string" ? tokenPattern.exec(token) : null;
  if (!match) {
    throw new BatonError("INVALID_TASK_TOKEN", "invalid task token: expected the token a poll returned");
  }
  const [, runId, position, attempt, secret] = match as unknown as [string, string, string, string, string];
  return {
    runId: Buffer.from(runId, "base64url").toString("utf8"),
    position: Number(position),
    attempt: Number(attempt),
    secret,
  };
}

/** The id of a task: `<run id>:<position>`. */
export function taskId(runId: string, position: number): string {
  return `${runId}:${position}`;
}

/**
 * Reads a task id (`<run id>:<position>`, the run id may hold colons).
 * @throws BatonError `INVALID_TASK_ID`.
 */
export function parseTaskId(id: string): { runId: string; position: number } {
  const colon = typeof id === "string" ? id.lastIndexOf(":") : -1;
  const position = colon > 0 ? Number(id.slice(colon + 1)) : Number.NaN;
  if (!Number.isSafeInteger(position) || position < 0 || !/^\d+$/.test(id.slice(colon + 1))) {
    throw new BatonError("INVALID_TASK_ID", `invalid task id ${JSON.stringify(id)}: expected <run id>:<position>`);
  }
  return { runId: id.slice(0, colon), position };
}
