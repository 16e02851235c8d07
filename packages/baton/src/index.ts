/**
 * Baton: durable workflows for TypeScript.
 *
 * @example
 * import { createEngine, defineWorkflow } from "baton";
 * const hello = defineWorkflow("hello", async (ctx, name: string) => ctx.step("greet", () => `Hello, ${name}`));
 * const engine = createEngine({ workflows: [hello] });
 * await engine.start();
 * console.log(await (await engine.startRun(hello, "Ada")).result());
 */
export { type Clock, systemClock } from "./clock.js";
export {
  checkDefinition,
  DefinitionError,
  parseDefinitionText,
} from "./declarative/check-definition.js";
export {
  defineTask,
  isTaskDefinition,
  type TaskDefinition,
  type TaskHandlerContext,
} from "./declarative/define-task.js";
export { definitionSchema } from "./declarative/definition-schema.js";
export type * from "./declarative/definition-types.js";
export { nodeKinds } from "./declarative/definition-types.js";
export { type Duration, toMilliseconds } from "./duration.js";
export type { DefinitionVersion, DeployResult, EngineDefinitions } from "./engine/definitions-api.js";
export {
  type BackfillResult,
  createEngine,
  type Engine,
  type EngineOptions,
  type EngineSchedules,
  type HttpOptions,
  type RunHandle,
  type ScheduleOptions,
  type SchedulePatch,
  type StartOptions,
  type WorkflowInfo,
} from "./engine/engine.js";
export type { EngineHumanTasks } from "./engine/human-tasks-api.js";
export { isApprovalSignal } from "./engine/list-signal-waits.js";
export type { QueueInfo } from "./engine/queue-info.js";
export { defaultQueue, type QueueOptions } from "./engine/queue-options.js";
export type {
  ReplayCheckDivergence,
  ReplayCheckOptions,
  ReplayCheckResult,
} from "./engine/replay-check.js";
export type { EventReceipt, SendEventOptions } from "./engine/send-event.js";
export type { StartFlowOptions } from "./engine/start-flow.js";
export { parseTaskToken } from "./engine/task-tokens.js";
export { type EngineTasks, maxRetryAfterMs } from "./engine/tasks-api.js";
export type { UnservedVersion, WorkerInfo, WorkerList } from "./engine/worker-presence.js";
export {
  BatonError,
  ChildFailedError,
  FatalError,
  NondeterminismError,
  RetryableError,
  RunConflictError,
  RunFailedError,
  StepFailedError,
  TaskFailedError,
  TimeoutError,
  UnreadableRunError,
  ValidationError,
} from "./errors.js";
export type { FailureInput } from "./failure-input.js";
export { eventIdPattern, flowKeyMaxLength, queueNamePattern, runIdPattern, workflowNamePattern } from "./names.js";
export { defaultStore, type OpenStoreOptions, openStore } from "./store/open-store.js";
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./store/postgres/postgres-store.js";
export { createSqliteStore, type SqliteStoreOptions } from "./store/sqlite/sqlite-store.js";
export type { Store, StoreNotice } from "./store/store.js";
export { createTaskWorker, type TaskWorker } from "./task-worker/task-worker.js";
export type { TaskContext, TaskHandler, TaskWorkerOptions } from "./task-worker/task-worker-options.js";
export { createTestClock, type TestClock } from "./test-clock.js";
export {
  type AttemptInfo,
  activeStatuses,
  type CallInfo,
  type CallKind,
  type ErrorInfo,
  type EventMatch,
  finishedStatuses,
  type HistoryEvent,
  type HistoryEventType,
  type HumanTask,
  type HumanTaskAnswer,
  type HumanTaskEscalation,
  type HumanTaskFilter,
  type HumanTaskOptions,
  type HumanTaskPage,
  type HumanTaskResult,
  type HumanTaskStatus,
  historyEventTypes,
  humanTaskStatuses,
  isFinished,
  type LeasedTask,
  type Run,
  type RunCount,
  type RunFilter,
  type RunPage,
  type RunStatus,
  type RunSummary,
  runStatuses,
  type Schedule,
  type ScheduleCatchup,
  type ScheduleDefinition,
  type ScheduleOverlap,
  type SignalWait,
  type SignalWaitFilter,
  type SignalWaitPage,
  scheduleCatchups,
  scheduleOverlaps,
  type Task,
  type TaskAttempt,
  type TaskFailResult,
  type TaskFailure,
  type TaskFilter,
  type TaskHeartbeatResult,
  type TaskOptions,
  type TaskPage,
  type TaskPollRequest,
  type TaskStatus,
  taskStatuses,
} from "./types.js";
export {
  defineWorkflow,
  type EventSubscription,
  isWorkflow,
  type RetryPolicy,
  type StepContext,
  type StepOptions,
  type WaitForEventOptions,
  type WaitOptions,
  type Workflow,
  type WorkflowContext,
  type WorkflowInput,
  type WorkflowOptions,
  type WorkflowOutput,
} from "./workflow.js";
