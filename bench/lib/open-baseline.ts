/**
 * The raw baseline of starting up: open a connection through the driver and
 * settings the engine uses on that store, make one single-row INSERT+COMMIT,
 * close. SQLite: better-sqlite3 opens the file and sets WAL and
 * `synchronous=FULL`; PostgreSQL: a new `pg` client connects. The table is
 * created beforehand.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { splitAddress, withClient } from "./postgres.js";
import type { ScenarioContext } from "./scenario.js";

/** Times one open + INSERT+COMMIT (ms, local clock, closing excluded). */
export type OpenBaseline = () => Promise<number>;

/** Creates the baseline table in a new store named `name` and returns the measurement. */
export async function prepareOpenBaseline(context: ScenarioContext, name: string): Promise<OpenBaseline> {
  const address = context.newStore(name);
  const create = "CREATE TABLE baseline (id INTEGER PRIMARY KEY, data TEXT NOT NULL)";
  if (context.store === "sqlite") {
    const path = address.slice("sqlite:".length);
    const setup = new Database(path);
    setup.pragma("journal_mode = WAL");
    setup.exec(create);
    setup.close();
    return async () => {
      const began = performance.now();
      const db = new Database(path);
      try {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = FULL");
        db.prepare("INSERT INTO baseline (data) VALUES (?)").run("{}");
        return performance.now() - began;
      } finally {
        db.close();
      }
    };
  }
  const { databaseUrl, schema } = splitAddress(address);
  const table = `${pg.escapeIdentifier(schema)}.baseline`;
  await withClient(databaseUrl, async (client) => {
    await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, data text NOT NULL)`);
  });
  return async () => {
    const began = performance.now();
    const client = new pg.Client({ connectionString: databaseUrl, application_name: "baton-bench" });
    try {
      await client.connect();
      await client.query(`INSERT INTO ${table} (data) VALUES ($1)`, ["{}"]);
      return performance.now() - began;
    } finally {
      await client.end();
    }
  };
}
