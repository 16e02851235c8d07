import { existsSync } from "node:fs";
import { toRunSummary } from "@baton/server";
import type { RunSummary } from "@baton/server/wire-types";
import { BatonError, createEngine, type Engine, type HumanTaskStatus, isFinished, type TaskStatus } from "baton";
import type { BatonClient, ClientWorkflows } from "./baton-client.js";
import { CliError } from "./cli-error.js";
import { maskPassword } from "./mask-password.js";
import { sqlitePath } from "./sqlite-path.js";
import { storeError } from "./store-error.js";

/** Options of `createStoreClient`. */
export interface StoreClientOptions {
  /** Store address: `sqlite:<path>` or `postgres://...`. */
  store: string;
  /** Workflows to start runs of (`runs start`, `events send`). Default none. */
  workflows?: ClientWorkflows;
  /** How often `watchRun` reads the run. Default 250 ms. */
  pollIntervalMs?: number;
}

/**
 * A client that works on a store directly, through an engine that is not
 * started (runs are executed by the workers on that store), answering in
 * the shapes of the HTTP API. It applies no migrations, and refuses a
 * SQLite file that does not exist rather than create one.
 *
 * @example
 * const client = createStoreClient({ store: "sqlite:.baton/baton.db" });
 * await client.signal("order-1", "approve", true);
 * await client.close();
 */
export function createStoreClient(options: StoreClientOptions): BatonClient {
  const target = maskPassword(options.store);
  const file = sqlitePath(options.store);
  if (file !== undefined && !existsSync(file)) throw new CliError(`no store at ${target}: file ${file} not found`);
  let engine: Engine;
  try {
    engine = createEngine({ store: options.store, workflows: options.workflows, migrate: false });
  } catch (error) {
    throw storeError(error, `cannot open store "${target}"`, options.store);
  }
  // Answers go through JSON, as the HTTP API's do: dates become ISO strings, undefined fields go.
  const attempt = async <T>(operation: () => Promise<unknown>): Promise<T> => {
    try {
      return JSON.parse(JSON.stringify(await operation())) as T;
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (error instanceof BatonError) throw new CliError(`${error.code}: ${error.message}`, { cause: error });
      throw storeError(error, `store "${target}"`, options.store);
    }
  };
  const summaryOf = async (id: string) => toRunSummary(await engine.getRun(id));

  return {
    listRuns: ({ createdAfter, createdBefore, idContains, ...query }) =>
      attempt(() =>
        engine.listRuns({
          ...query,
          idContains,
          createdAfter: createdAfter === undefined ? undefined : new Date(createdAfter),
          createdBefore: createdBefore === undefined ? undefined : new Date(createdBefore),
        }),
      ),
    getRun: (id) => attempt(() => engine.getRun(id)),
    getHistory: (id) => attempt(async () => ({ events: await engine.getHistory(id) })),
    listWorkers: () => attempt(() => engine.listWorkers()),
    listQueues: () => attempt(async () => ({ queues: await engine.listQueues() })),
    listTasks: ({ status, ...query }) =>
      attempt(() => engine.tasks.list({ ...query, ...(status ? { status: status.split(",") as TaskStatus[] } : {}) })),
    listHumanTasks: ({ status, ...query }) =>
      attempt(() =>
        engine.humanTasks.list({ ...query, ...(status ? { status: status.split(",") as HumanTaskStatus[] } : {}) }),
      ),
    getHumanTask: (id) =>
      attempt(async () => {
        const task = await engine.humanTasks.get(id);
        if (!task) throw new CliError(`HUMAN_TASK_NOT_FOUND: no human task "${id}"`);
        return task;
      }),
    answerHumanTask: (id, outcome, { data, comment, as }) =>
      attempt(() =>
        outcome === "complete"
          ? engine.humanTasks.complete(id, { by: as, data, comment })
          : engine.humanTasks.reject(id, { by: as, comment }),
      ),
    getTask: (id) =>
      attempt(async () => {
        const task = await engine.tasks.get(id);
        if (!task) throw new CliError(`TASK_NOT_FOUND: no task "${id}"`);
        return task;
      }),
    listSignalWaits: (query) => attempt(() => engine.listSignalWaits(query)),
    deployDefinition: (source) =>
      attempt(async () => {
        const { definition, outcome } = await engine.definitions.deploy(source);
        return { ...definition, outcome };
      }),
    listDefinitions: () => attempt(async () => ({ definitions: await engine.definitions.list() })),
    getDefinitionVersions: (name) =>
      attempt(async () => {
        const [versions, latest] = await Promise.all([engine.definitions.versions(name), engine.definitions.get(name)]);
        return { name, versions, latest };
      }),
    getDefinition: (name, version) => attempt(() => engine.definitions.get(name, version)),
    startRun: ({ workflow, input, startAt, ...options }) =>
      attempt(async () => {
        const handle = await engine.startRun(workflow, input, {
          ...options,
          ...(startAt === undefined ? {} : { startAt: new Date(startAt) }),
        });
        return { created: handle.created, run: await summaryOf(handle.id) };
      }),
    signal: (id, name, payload) =>
      attempt(async () => {
        await engine.signal(id, name, payload);
        return { runId: id, name };
      }),
    cancel: (id) =>
      attempt(async () => {
        await engine.cancel(id);
        return { runId: id };
      }),
    resume: (id) =>
      attempt(async () => {
        await engine.resume(id);
        return { runId: id };
      }),
    fork: (id, request) => attempt(async () => ({ run: await summaryOf((await engine.fork(id, request)).id) })),
    sendEvent: ({ name, payload, id }) => attempt(() => engine.sendEvent(name, payload, { id })),
    listSchedules: (query) => attempt(async () => ({ schedules: await engine.schedules.list(query) })),
    createSchedule: ({ startAt, endAt, ...request }) =>
      attempt(() =>
        engine.schedules.create({
          ...request,
          ...(startAt === undefined ? {} : { startAt: new Date(startAt) }),
          ...(endAt === undefined ? {} : { endAt: new Date(endAt) }),
        }),
      ),
    pauseSchedule: (id) => attempt(() => engine.schedules.pause(id)),
    resumeSchedule: (id) => attempt(() => engine.schedules.resume(id)),
    triggerSchedule: (id) =>
      attempt(async () => {
        const handle = await engine.schedules.trigger(id);
        return { created: handle.created, run: await summaryOf(handle.id) };
      }),
    deleteSchedule: (id) =>
      attempt(async () => {
        await engine.schedules.delete(id);
        return { scheduleId: id };
      }),
    backfillSchedule: (id, { from, to }) => attempt(() => engine.schedules.backfill(id, new Date(from), new Date(to))),
    async watchRun(id, onChange) {
      let last = "";
      for (;;) {
        const summary = await attempt<RunSummary>(() => summaryOf(id));
        const text = JSON.stringify(summary);
        if (text !== last) await onChange(summary);
        last = text;
        if (isFinished(summary.status)) return;
        await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 250));
      }
    },
    async close() {
      await engine[Symbol.asyncDispose]();
    },
  };
}
