/**
 * Compile-time proof that the wire types (wire-types.ts, what clients import)
 * are what the schemas (which validate requests and write the OpenAPI
 * document) infer: a schema changed without its type, or a type without its
 * schema, fails `npm run check`. Nothing imports this file, and the build
 * leaves it out (tsconfig.build.json): only the type check reads it.
 */
import type { z } from "@hono/zod-openapi";
import type { HistoryEventType as LibraryHistoryEventType, RunStatus as LibraryRunStatus } from "baton";
import type * as schema from "./api-schemas.js";
import type * as definitions from "./definition-schemas.js";
import type { HistoryEvent, HistoryEventOutput } from "./history-event-schema.js";
import type * as humans from "./human-task-schemas.js";
import type * as queues from "./routes/queue-routes.js";
import type * as actions from "./routes/run-action-routes.js";
import type * as reads from "./routes/run-routes.js";
import type * as waits from "./routes/signal-wait-routes.js";
import type * as whoami from "./routes/whoami-route.js";
import type * as workers from "./routes/worker-routes.js";
import type * as schedules from "./schedule-schemas.js";
import type * as tasks from "./task-schemas.js";
import type { WatchEvent } from "./watch-events-schema.js";
import type * as wire from "./wire-types.js";

/** `true` exactly when `A` and `B` are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Flattens intersections (and each member of a union) into plain object types, so `Equal` compares members. */
type Flat<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;

type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;

// The library's lists are the source of the statuses and history types.
export const statusesMatch: Equal<wire.RunStatus, LibraryRunStatus> = true;
export const historyTypesMatch: Equal<wire.HistoryEventType, LibraryHistoryEventType> = true;
export const runStatusMatches: Equal<wire.RunStatus, Out<typeof schema.RunStatus>> = true;

// Answers: the wire type is exactly what the schema outputs.
export const errorInfoMatches: Equal<wire.ErrorInfo, Out<typeof schema.ErrorInfo>> = true;
export const attemptMatches: Equal<wire.AttemptInfo, Out<typeof schema.Attempt>> = true;
export const stepMatches: Equal<wire.CallInfo, Out<typeof schema.Step>> = true;
export const runSummaryMatches: Equal<wire.RunSummary, Out<typeof schema.RunSummary>> = true;
export const pendingSignalMatches: Equal<wire.PendingSignal, Out<typeof schema.PendingSignal>> = true;
export const runMatches: Equal<Flat<wire.Run>, Out<typeof schema.Run>> = true;
export const runPageMatches: Equal<wire.RunPage, Out<typeof reads.RunPage>> = true;
export const workflowMatches: Equal<wire.WorkflowInfo, Out<typeof schema.WorkflowInfo>> = true;
export const workflowListMatches: Equal<wire.WorkflowList, Out<typeof reads.WorkflowList>> = true;
export const queueMatches: Equal<wire.Queue, Out<typeof queues.Queue>> = true;
export const workerListMatches: Equal<wire.WorkerList, Out<typeof workers.WorkerList>> = true;
export const queueListMatches: Equal<wire.QueueList, Out<typeof queues.QueueList>> = true;
export const signalWaitMatches: Equal<wire.SignalWait, Out<typeof waits.SignalWait>> = true;
export const signalWaitPageMatches: Equal<wire.SignalWaitPage, Out<typeof waits.SignalWaitPage>> = true;
export const whoAmIMatches: Equal<wire.WhoAmI, Out<typeof whoami.WhoAmI>> = true;
export const startRunResultMatches: Equal<
  wire.StartRunResult,
  Flat<{ created: boolean; run: Out<typeof actions.StartRunCreated>["run"] }>
> = true;
export const startRunCreatedFits: Equal<
  Out<typeof actions.StartRunCreated> extends wire.StartRunResult ? 1 : 0,
  1
> = true;
export const startRunExistedFits: Equal<
  Out<typeof actions.StartRunExisted> extends wire.StartRunResult ? 1 : 0,
  1
> = true;
export const runAcceptedMatches: Equal<wire.RunAccepted, Out<typeof actions.RunAccepted>> = true;
export const signalAcceptedMatches: Equal<wire.SignalAccepted, Out<typeof actions.SignalAccepted>> = true;
export const forkResultMatches: Equal<wire.ForkResult, Out<typeof actions.ForkResult>> = true;
export const eventReceiptMatches: Equal<wire.EventReceipt, Out<typeof schema.EventReceipt>> = true;
export const errorBodyMatches: Equal<wire.ErrorBody, Out<typeof schema.ErrorBody>> = true;
export const leasedTaskMatches: Equal<wire.LeasedTask, Out<typeof tasks.LeasedTask>> = true;
export const pollResultMatches: Equal<wire.TaskPollResult, Out<typeof tasks.PollResult>> = true;
export const heartbeatResultMatches: Equal<wire.TaskHeartbeatResult, Out<typeof tasks.HeartbeatResult>> = true;
export const completeResultMatches: Equal<wire.TaskCompleteResult, Out<typeof tasks.CompleteResult>> = true;
export const failResultMatches: Equal<wire.TaskFailResult, Out<typeof tasks.FailResult>> = true;
export const taskMatches: Equal<wire.Task, Out<typeof tasks.Task>> = true;
export const taskPageMatches: Equal<wire.TaskPage, Out<typeof tasks.TaskPage>> = true;
export const pollRequestMatches: Equal<wire.TaskPollRequest, In<typeof tasks.PollBody>> = true;
export const heartbeatRequestMatches: Equal<wire.TaskHeartbeatRequest, In<typeof tasks.HeartbeatBody>> = true;
export const completeRequestMatches: Equal<wire.TaskCompleteRequest, In<typeof tasks.CompleteBody>> = true;
export const failRequestMatches: Equal<wire.TaskFailRequest, In<typeof tasks.FailBody>> = true;
export const definitionMatches: Equal<wire.Definition, Out<typeof definitions.Definition>> = true;
export const deployedMatches: Equal<wire.DeployedDefinition, Out<typeof definitions.DeployedDefinition>> = true;
export const definitionListMatches: Equal<wire.DefinitionList, Out<typeof definitions.DefinitionList>> = true;
export const definitionVersionsMatches: Equal<
  wire.DefinitionVersions,
  Out<typeof definitions.DefinitionVersions>
> = true;
export const runGraphMatches: Equal<wire.RunGraph, Out<typeof definitions.RunGraph>> = true;
export const humanTaskMatches: Equal<wire.HumanTask, Out<typeof humans.HumanTask>> = true;
export const humanTaskPageMatches: Equal<wire.HumanTaskPage, Out<typeof humans.HumanTaskPage>> = true;
export const humanCompleteMatches: Equal<wire.HumanTaskCompleteRequest, In<typeof humans.CompleteHumanTaskBody>> = true;
export const humanRejectMatches: Equal<wire.HumanTaskRejectRequest, In<typeof humans.RejectHumanTaskBody>> = true;
export const scheduleMatches: Equal<wire.Schedule, Out<typeof schedules.Schedule>> = true;
export const scheduleListMatches: Equal<wire.ScheduleList, Out<typeof schedules.ScheduleList>> = true;
export const backfillResultMatches: Equal<wire.BackfillResult, Out<typeof schedules.BackfillResult>> = true;
export const triggerResultMatches: Equal<wire.TriggerResult, Out<typeof schedules.TriggerResult>> = true;
export const scheduleDeletedMatches: Equal<wire.ScheduleDeleted, Out<typeof schedules.ScheduleDeleted>> = true;
export const watchEventMatches: Equal<Flat<wire.WatchEvent>, Out<typeof WatchEvent>> = true;

// History: the union the schema is built from, member by member. The inferred
// type of the `HistoryEvent` schema itself is looser (its members come from a
// list, so each has every type and any field set), so against it only the
// direction that matters is checked: every wire event is one the schema reads.
export const historyEventMatches: Equal<Flat<wire.HistoryEvent>, Flat<HistoryEventOutput>> = true;
export const historyEventFits: Equal<wire.HistoryEvent extends Out<typeof HistoryEvent> ? 1 : 0, 1> = true;
export const runHistoryFits: Equal<wire.RunHistory extends Out<typeof reads.RunHistory> ? 1 : 0, 1> = true;

// Requests: what a client may send is what the schema accepts (its input).
export const startRunRequestMatches: Equal<wire.StartRunRequest, In<typeof schema.StartRunBody>> = true;
export const signalRequestMatches: Equal<wire.SignalRequest, In<typeof schema.SignalBody>> = true;
export const forkRequestMatches: Equal<wire.ForkRequest, In<typeof schema.ForkBody>> = true;
export const eventRequestMatches: Equal<wire.EventRequest, In<typeof schema.EventBody>> = true;
export const createScheduleRequestMatches: Equal<
  wire.CreateScheduleRequest,
  In<typeof schedules.CreateScheduleBody>
> = true;
export const updateScheduleRequestMatches: Equal<
  wire.UpdateScheduleRequest,
  In<typeof schedules.UpdateScheduleBody>
> = true;
export const backfillRequestMatches: Equal<wire.BackfillRequest, In<typeof schedules.BackfillBody>> = true;
