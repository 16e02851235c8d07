/**
 * The test's own connection to PostgreSQL: it cuts the connections of the
 * engines under test (terminating their backends), holds row locks to keep
 * their statements in flight, and reads what the store holds.
 */
import pg from "pg";

/** One cut: what was terminated and what was under way. */
export interface Cut {
  label: string;
  /** Backends terminated, by the role of the engine that held them. */
  terminated: Record<string, number>;
  /** Of those, backends running a statement at the cut. */
  active: Record<string, number>;
  /** Of those, backends waiting for a lock at the cut. */
  waitingForLock: Record<string, number>;
  /** Runs not yet finished, by `workflow:status`. */
  unfinished: Record<string, number>;
  /** Step attempts started and not completed. */
  stepsInFlight: number;
  /** Timers set, and those of them that fired. */
  timers: { set: number; fired: number };
}

/** The admin connection. */
export interface Admin {
  /** Terminates every backend of the engines in the test database; then reads what was under way. */
  cut(label: string): Promise<Cut>;
  /** Locks the rows of runs `ids` until the returned function is called (writes to them wait). */
  lockRuns(ids: string[]): Promise<() => Promise<void>>;
  /** Backends of engine `role` waiting for a lock now. */
  waitingForLock(role: string): Promise<number>;
  /** Step attempts whose start is committed and whose end is not. */
  stepsInFlight(): Promise<number>;
  close(): Promise<void>;
}

const add = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Connects to `url`. `roles` maps each application name the engines connect
 * with to a short role name; only backends with one of those names are cut,
 * so other test files sharing the database keep their connections.
 */
export async function openAdmin(url: string, schema: string, roles: Map<string, string>): Promise<Admin> {
  const client = new pg.Client({ connectionString: url, application_name: "baton_outage_admin" });
  client.on("error", () => {});
  await client.connect();
  const t = pg.escapeIdentifier(schema);
  const nameOf = (role: string) => [...roles].find(([, r]) => r === role)?.[0];
  const stepsInFlight = async () => {
    const steps = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
        SELECT 1 FROM ${t}.history WHERE type IN ('step.started', 'step.completed')
        GROUP BY run_id, position HAVING NOT bool_or(type = 'step.completed')) open`,
    );
    return steps.rows[0]?.n ?? 0;
  };
  return {
    stepsInFlight,
    async cut(label) {
      const killed = await client.query<{ application_name: string; state: string; wait: string; ok: boolean }>(
        `SELECT application_name, state, wait_event_type AS wait, pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ANY($1::text[])`,
        [[...roles.keys()]],
      );
      const cut: Cut = {
        label,
        terminated: {},
        active: {},
        waitingForLock: {},
        unfinished: {},
        stepsInFlight: 0,
        timers: { set: 0, fired: 0 },
      };
      for (const row of killed.rows) {
        if (!row.ok) continue;
        const role = roles.get(row.application_name) ?? row.application_name;
        add(cut.terminated, role);
        if (row.state === "active") add(cut.active, role);
        if (row.wait === "Lock") add(cut.waitingForLock, role);
      }
      const runs = await client.query<{ workflow: string; status: string; n: number }>(
        `SELECT workflow, status, count(*)::int AS n FROM ${t}.runs
          WHERE status NOT IN ('completed', 'failed', 'compensated', 'cancelled') GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      for (const row of runs.rows) cut.unfinished[`${row.workflow}:${row.status}`] = row.n;
      cut.stepsInFlight = await stepsInFlight();
      const timers = await client.query<{ set: number; fired: number }>(
        `SELECT count(*) FILTER (WHERE type = 'timer.set')::int AS set, count(*) FILTER (WHERE type = 'timer.fired')::int AS fired
          FROM ${t}.history WHERE type IN ('timer.set', 'timer.fired')`,
      );
      cut.timers = timers.rows[0] ?? cut.timers;
      return cut;
    },
    async lockRuns(ids) {
      // On a connection of its own: the admin's statements stay outside its transaction
      // (pg_stat_activity does not change within a transaction).
      const locker = new pg.Client({ connectionString: url, application_name: "baton_outage_locker" });
      locker.on("error", () => {});
      await locker.connect();
      await locker.query("BEGIN");
      await locker.query(`SELECT id FROM ${t}.runs WHERE id = ANY($1::text[]) FOR UPDATE`, [ids]);
      return async () => {
        await locker.query("ROLLBACK");
        await locker.end();
      };
    },
    async waitingForLock(role) {
      const result = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
        [nameOf(role)],
      );
      return result.rows[0]?.n ?? 0;
    },
    async close() {
      await client.end();
    },
  };
}
