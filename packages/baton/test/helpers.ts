import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, type Engine, type EngineOptions, openStore, type Store, type Workflow } from "baton";

const tempDirs: string[] = [];
process.on("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory removed when the process exits. */
export function tempDir(prefix = "baton-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** The store the conformance tests run against: `sqlite` (default) or `postgres`. */
export const testStoreKind = process.env.BATON_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/** Database of the PostgreSQL runs (the test script creates one per test run). */
export const testPostgresUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let schemas = 0;

/**
 * A store address of a new, empty store of the kind under test: a new SQLite
 * file, or a new schema in the test run's PostgreSQL database.
 */
export function tempStore(): string {
  if (testStoreKind === "postgres") {
    const url = new URL(testPostgresUrl);
    url.searchParams.set("schema", `t_${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`);
    // Test files run side by side on one server: small pools keep them under its connection limit.
    url.searchParams.set("pool_size", "4");
    return url.toString();
  }
  return `sqlite:${join(tempDir(), "baton.db")}`;
}

/**
 * The SQL condition on `history` rows that picks those of run `runId` in the
 * store at `address` (SQLite keys them by the run's number, PostgreSQL by its id).
 */
export function historyOfRun(address: string, runId: string): string {
  const id = `'${runId.replaceAll("'", "''")}'`;
  return address.startsWith("sqlite:") ? `run_num = (SELECT num FROM runs WHERE id = ${id})` : `run_id = ${id}`;
}

/**
 * Runs `sql` on the store at `address` (a `tempStore()`) directly, past the
 * store: to put it in a state the engine would never write. Tables are
 * named without a schema.
 */
export async function rawSql(address: string, sql: string): Promise<void> {
  if (address.startsWith("sqlite:")) {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(address.slice("sqlite:".length));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const url = new URL(address);
  const schema = url.searchParams.get("schema") ?? "baton";
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An engine on a new store (see `tempStore`), quiet, polling fast; started unless `start: false`. */
export async function startEngine(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  workflows: Workflow<any, any>[],
  options: EngineOptions & { start?: boolean } = {},
): Promise<Engine> {
  const engine = createEngine({
    store: tempStore(),
    pollInterval: 20,
    logger: { warn: () => {} },
    ...options,
    workflows,
  });
  if (options.start !== false) await engine.start();
  return engine;
}

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the run has the given status. */
export function statusOf(engine: Engine, runId: string, status: string, timeoutMs?: number) {
  return eventually(async () => (await engine.getRun(runId).catch(() => undefined))?.status === status, timeoutMs);
}

/** A new run of workflow `w@1` for store-level tests, its input `{ id }`. */
export function newRun(id: string) {
  return {
    id,
    workflow: "w",
    version: "1",
    input: { id },
    history: [{ type: "run.started" as const, at: 1, input: { id } }],
  };
}

/** `inner` as a worker sees it, with the methods in `overrides` (such as `appendHistory`) replaced. */
export function wrapStore(inner: Store, overrides: Partial<Store>): Store {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The store at `address` as a worker sees it, counting the claims it has
 * answered: a test waits for a worker's next claim instead of for a while.
 */
export function countingClaims(address: string): { store: Store; claims: () => number } {
  const inner = openStore(address);
  let claims = 0;
  const store = wrapStore(inner, {
    async claimRuns(request) {
      try {
        return await inner.claimRuns(request);
      } finally {
        claims++;
      }
    },
  });
  return { store, claims: () => claims };
}

/** Waits until the step `name` of the run has `status` (as `engine.getRun` shows it, so once recorded). */
export function stepEnded(engine: Engine, runId: string, name: string, status: "completed" | "failed") {
  return eventually(async () =>
    (await engine.getRun(runId)).steps.some((step) => step.name === name && step.status === status),
  );
}
