/**
 * PostgreSQL plumbing of the bench: a database of the bench run's own
 * (created on the server at BATON_BENCH_POSTGRES_URL, dropped at the end),
 * store addresses of new schemas in it, and facts about the server.
 */
import pg from "pg";

/** The server the bench creates its database on. */
export const benchServerUrl = process.env.BATON_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The address with its password hidden, for messages. */
export function redact(address: string): string {
  return address.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** A database created for one bench run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/** Runs `work` with a client connected to `url`, then closes it. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `baton_bench_<pid>` on the server at `serverUrl`. */
export async function createBenchDatabase(serverUrl = benchServerUrl): Promise<BenchDatabase> {
  const name = `baton_bench_${process.pid}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withClient(
        serverUrl,
        async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
      ),
  };
}

/** The store address of schema `schema` in the database at `databaseUrl`. */
export function schemaAddress(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Splits a store address (`postgres://...?schema=name`) into the database URL and the schema. */
export function splitAddress(address: string): { databaseUrl: string; schema: string } {
  const url = new URL(address);
  const schema = url.searchParams.get("schema") ?? "baton";
  url.searchParams.delete("schema");
  return { databaseUrl: url.toString(), schema };
}

/** Version and settings of the server that bear on write throughput. */
export function serverFacts(databaseUrl: string): Promise<Record<string, string>> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
       WHERE name IN ('server_version', 'max_connections', 'synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay')`,
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  });
}

/** Connections the server will still accept from an ordinary role (its limit, less reserved and open ones). */
export function freeConnections(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ free: number }>(
      `SELECT (current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
        - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'))::int AS free`,
    );
    return rows[0]?.free ?? 0;
  });
}
