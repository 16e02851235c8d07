// Runs every *.test.ts file with Node's test runner (Node 20 does not expand globs),
// then the conformance suite and the PostgreSQL tests against a real PostgreSQL.
// Usage: node scripts/test.mjs [filter...]   (a filter keeps files whose path contains it)
//
// Every test file fails when it leaves an engine, a worker or a store open
// (scripts/open-resources-check.mjs).
//
// PostgreSQL: BATON_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// names a server and a database to connect to; each run creates its own database
// there and drops it at the end. When the server cannot be reached the PostgreSQL
// pass fails under CI=true and is skipped, loudly, elsewhere.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import pg from "pg";

const roots = ["packages", "examples", "bench"].filter((root) => existsSync(root));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.ts")) files.push(relative(process.cwd(), path));
  }
};
for (const root of roots) walk(root);
const filters = process.argv.slice(2);
const selected = files.sort().filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
const postgresOnly = (file) => file.includes(`${sep}test${sep}postgres${sep}`);
const conformance = (file) => file.includes(`${sep}test${sep}conformance${sep}`);
const sqliteFiles = selected.filter((file) => !postgresOnly(file));
const postgresFiles = selected.filter((file) => postgresOnly(file) || conformance(file));

// A test that hangs fails instead of holding the run: each test has its own
// limit, and each pass is killed (with every process it started) after its own.
const testTimeoutMs = Number(process.env.BATON_TEST_TIMEOUT_MS ?? 300_000);
const passTimeoutMs = Number(process.env.BATON_TEST_PASS_TIMEOUT_MS ?? 900_000);

const runTests = (label, testFiles, env) =>
  new Promise((resolve) => {
    console.log(`\n# ${label}: ${testFiles.length} files`);
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        "./scripts/open-resources-check.mjs",
        "--conditions=development",
        "--test",
        "--test-concurrency=2",
        `--test-timeout=${testTimeoutMs}`,
        ...testFiles,
      ],
      { stdio: "inherit", env: { ...process.env, ...env }, detached: true },
    );
    const watchdog = setTimeout(() => {
      console.error(`\nFAIL: the ${label} tests did not finish within ${passTimeoutMs / 1000}s; stopping them.`);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, passTimeoutMs);
    // The tests run in a process group of their own: pass Ctrl-C and SIGTERM on.
    const forward = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {}
    };
    process.on("SIGINT", forward).on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      clearTimeout(watchdog);
      process.off("SIGINT", forward).off("SIGTERM", forward);
      console.log(`# ${label} tests took ${Math.round((Date.now() - started) / 1000)}s`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });

/** Creates this run's database; returns its URL and a function that drops it. */
async function createTestDatabase(serverUrl) {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const name = `baton_test_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

let failed = false;
if (sqliteFiles.length > 0) failed = (await runTests("SQLite", sqliteFiles, { BATON_TEST_STORE: "sqlite" })) !== 0;

if (postgresFiles.length > 0) {
  const serverUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  let database;
  try {
    database = await createTestDatabase(serverUrl);
  } catch (error) {
    const message = `PostgreSQL at ${serverUrl.replace(/:[^:@/]*@/, ":***@")} is not reachable (${error.message})`;
    if (process.env.CI === "true") {
      console.error(`\nFAIL: ${message}; the PostgreSQL tests cannot run.`);
      process.exit(1);
    }
    console.warn(`\nWARNING: ${message}: SKIPPING ${postgresFiles.length} PostgreSQL test files.`);
    console.warn("Start PostgreSQL or set BATON_TEST_POSTGRES_URL; under CI=true this fails.\n");
  }
  if (database) {
    const code = await runTests("PostgreSQL", postgresFiles, {
      BATON_TEST_STORE: "postgres",
      BATON_TEST_POSTGRES_URL: database.url,
    });
    failed ||= code !== 0;
    await database.drop().catch((error) => console.warn(`could not drop the test database: ${error.message}`));
  }
}
process.exit(failed ? 1 : 0);
