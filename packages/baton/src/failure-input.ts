import type { ErrorInfo } from "./types.js";

/** What a failure handler run receives: the run that failed, its input, error and failed step. */
export interface FailureInput {
  runId: string;
  workflow: string;
  version: string;
  input: unknown;
  status: "failed" | "compensated";
  error?: ErrorInfo;
  /** The call whose failure failed the run, when one did. */
  failedStep?: { position: number; name: string };
}
