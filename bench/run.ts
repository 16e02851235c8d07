/**
 * The bench runner: runs scenarios on their stores, prints a table per
 * scenario and store, and writes each result to
 * `bench/results/<scenario>-<store>-<time>.json`.
 *
 * Usage: npm run bench -- [scenario...] [--rounds N] [--runs N] [--store sqlite|postgres] [--<option> N[,N...]]
 * (`--help` lists the options of each scenario).
 *
 * PostgreSQL passes run in a database of their own, `baton_bench_<pid>`,
 * created on the server at BATON_BENCH_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
 * SQLite passes use files in a temporary directory removed at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "./lib/cli.js";
import {
  type BenchDatabase,
  benchServerUrl,
  createBenchDatabase,
  redact,
  schemaAddress,
  serverFacts,
} from "./lib/postgres.js";
import { environment, writeResult } from "./lib/results.js";
import type { Scenario, ScenarioContext, StoreKind } from "./lib/scenario.js";
import { formatTable } from "./lib/table.js";
import { scenarios } from "./scenarios/index.js";

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2), scenarios);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`  ${message}\n`);
let database: BenchDatabase | undefined;
let sqliteDir: string | undefined;

async function cleanUp(): Promise<void> {
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  sqliteDir = undefined;
  const dropping = database;
  database = undefined;
  await dropping
    ?.drop()
    .catch((error: Error) => console.error(`could not drop database ${dropping.name}: ${error.message}`));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// A promise rejected with no handler (a bug in a scenario) would end the process before its clean-up.
process.once("unhandledRejection", (error) => {
  console.error(`\nunhandled rejection, cleaning up: ${(error as Error)?.stack ?? error}`);
  void cleanUp().finally(() => process.exit(1));
});

async function contextFor(store: StoreKind): Promise<ScenarioContext> {
  if (store === "postgres") {
    if (!database) {
      try {
        database = await createBenchDatabase();
      } catch (error) {
        throw new Error(
          `PostgreSQL at ${redact(benchServerUrl)} is not reachable (${(error as Error).message}); set BATON_BENCH_POSTGRES_URL`,
        );
      }
    }
    const url = database.url;
    return { store, postgresUrl: url, newStore: (name) => schemaAddress(url, name), log };
  }
  sqliteDir ??= mkdtempSync(join(tmpdir(), "baton-bench-"));
  const dir = sqliteDir;
  return { store, newStore: (name) => `sqlite:${join(dir, `${name}.db`)}`, log };
}

async function runPass(scenario: Scenario, store: StoreKind): Promise<void> {
  const options = Object.fromEntries(
    Object.entries(args.options).filter(([name]) => scenario.options?.[name] !== undefined),
  );
  const sizes = {
    rounds: args.rounds ?? scenario.defaults.rounds,
    runs: args.runs ?? scenario.defaults.runs,
    options,
  };
  const given = Object.entries(options).map(([name, values]) => `, --${name} ${values.join(",")}`);
  console.log(`\n## ${scenario.name} on ${store}: ${scenario.description}`);
  console.log(`rounds ${sizes.rounds}, runs ${sizes.runs}${given.join("")}\n`);
  const context = await contextFor(store);
  const env = environment(context.postgresUrl ? { postgres: await serverFacts(context.postgresUrl) } : {});
  const startedAt = new Date();
  const began = performance.now();
  const result = await scenario.run(context, sizes);
  const durationMs = Math.round(performance.now() - began);
  const path = writeResult(scenario.name, store, startedAt, durationMs, env, result);
  console.log(`\n${formatTable(result.columns, result.rows)}\n`);
  for (const note of result.notes ?? []) console.log(`note: ${note}`);
  console.log(`${(durationMs / 1000).toFixed(1)} s; results in ${relative(process.cwd(), path)}`);
}

let failed = false;
const began = performance.now();
try {
  for (const scenario of args.scenarios) {
    for (const store of scenario.stores.filter((s) => !args.store || s === args.store)) {
      try {
        await runPass(scenario, store);
      } catch (error) {
        failed = true;
        console.error(`\n${scenario.name} on ${store} failed: ${(error as Error).stack ?? error}`);
      }
    }
  }
} finally {
  await cleanUp();
}
console.log(`\nbench done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
