/**
 * The statements of the PostgreSQL store. Each write is one statement (one
 * round trip, atomic on its own): data-modifying CTEs apply every part of a
 * write only when its fenced `UPDATE` matched, and send notifications, which
 * PostgreSQL delivers at commit.
 */

const active = "('pending', 'running', 'waiting', 'compensating')";
const terminal = "('completed', 'failed', 'compensated', 'cancelled')";

/** Columns of events passed as a jsonb array. */
const eventColumns = "seq integer, type text, position integer, at bigint, data text";

/** CTEs `new_runs` and `new_history` inserting runs from `$runs` / `$events` (only when `guard` holds). */
export function insertRuns(t: string, runs: string, events: string, now: string, guard = "true"): string {
  return `new_runs AS (
    INSERT INTO ${t}.runs (id, workflow, version, status, input, parent_id, created_at, updated_at, timeout_ms, deadline_at, last_seq,
      lease_owner, lease_token, lease_expires_at)
    SELECT r.id, r.workflow, r.version, CASE WHEN r.lease_owner IS NULL THEN 'pending' ELSE 'running' END, r.input,
      r.parent_id, ${now}, ${now}, r.timeout_ms, r.deadline_at, r.last_seq,
      r.lease_owner, CASE WHEN r.lease_owner IS NULL THEN 0 ELSE 1 END, r.lease_expires_at
    FROM jsonb_to_recordset(${runs}::jsonb) AS r(id text, workflow text, version text, input text, parent_id text,
      timeout_ms bigint, deadline_at bigint, last_seq integer, lease_owner text, lease_expires_at bigint)
    WHERE ${guard}
    ON CONFLICT (id) DO NOTHING
    RETURNING *
  ),
  new_history AS (
    INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
    SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
    FROM jsonb_to_recordset(${events}::jsonb) AS e(run_id text, ${eventColumns})
    WHERE e.run_id IN (SELECT id FROM new_runs)
  )`;
}

/**
 * `appendSteps` of many runs at once (see `appendStepsBatch`); with
 * `consumes`, it also marks the signals each write consumed.
 */
function stepsBatch(t: string, consumes: boolean): string {
  const consumed = consumes
    ? `,
      consumed AS (
        UPDATE ${t}.signals sg SET consumed_seq = w.last_seq
        FROM w WHERE sg.run_id = w.id AND sg.id = ANY(w.consumed) AND w.id IN (SELECT id FROM upd)
      )`
    : "";
  return `WITH w AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, owner text, token bigint, previous_seq integer,
          last_seq integer, status text, set_wake boolean, wake_at bigint, seen_poke_seq bigint, now bigint,
          consumed bigint[])
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r JOIN w ON r.id = w.id
        WHERE r.id = ANY (ARRAY(SELECT id FROM w))
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        ORDER BY r.id FOR UPDATE OF r
      ),
      upd AS (
        UPDATE ${t}.runs r SET
          last_seq = w.last_seq,
          status = coalesce(w.status, r.status),
          wake_at = CASE WHEN w.set_wake THEN w.wake_at ELSE r.wake_at END,
          seen_poke_seq = coalesce(w.seen_poke_seq, r.seen_poke_seq),
          updated_at = w.now
        FROM w
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = w.id
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        RETURNING r.id
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($2::jsonb) AS e(run_id text, ${eventColumns})
        WHERE e.run_id IN (SELECT id FROM upd)
      )${consumed}
      SELECT id FROM upd`;
}

/** Every statement of the store, for tables in schema `t` (quoted). */
export function postgresSql(t: string) {
  return {
    now: "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now",

    // Fresh statistics for the tables the engine's statements read (see growth-analyzer.ts).
    analyze: `ANALYZE ${t}.runs, ${t}.history, ${t}.signals, ${t}.event_waits`,
    // $1 the runs table's qualified name; the number of runs its statistics know of (-1 or 0: never analyzed)
    knownRuns: "SELECT reltuples::float8 AS runs FROM pg_class WHERE oid = to_regclass($1)",

    // $1 runs, $2 events, $3 now, $4 channel
    createRun: `WITH ${insertRuns(t, "$1", "$2", "$3::bigint")},
      note AS (SELECT pg_notify($4, 'r') FROM new_runs WHERE new_runs.lease_owner IS NULL)
      SELECT new_runs.*, (SELECT count(*) FROM note)::int AS notes FROM new_runs`,

    getRun: `SELECT * FROM ${t}.runs WHERE id = $1`,
    history: `SELECT seq, type, position, at, data FROM ${t}.history WHERE run_id = $1 ORDER BY seq`,
    historyOf: `SELECT run_id, seq, type, position, at, data FROM ${t}.history WHERE run_id = ANY($1::text[]) ORDER BY run_id, seq`,
    eventAt: `SELECT type FROM ${t}.history WHERE run_id = $1 AND seq = $2`,
    lastEvent: `SELECT seq, type, position, at, data FROM ${t}.history WHERE run_id = $1 ORDER BY seq DESC LIMIT 1`,
    pendingSignals: `SELECT id, run_id, name, payload, sent_at FROM ${t}.signals
      WHERE run_id = $1 AND consumed_seq IS NULL ORDER BY id`,
    pendingSignalsOf: `SELECT id, run_id, name, payload, sent_at FROM ${t}.signals
      WHERE run_id = ANY($1::text[]) AND consumed_seq IS NULL ORDER BY id`,
    signalSent: `SELECT 1 FROM ${t}.signals WHERE send_key = $1`,
    // One statement, one snapshot: the signals, children and event waits are as new as poke_seq.
    // The inboxes of the runs $1 (an array): read together for runs poked at once.
    inboxes: `SELECT r.id, r.poke_seq, r.cancel_requested,
        (SELECT coalesce(json_agg(s ORDER BY s.id), '[]') FROM (
          SELECT id, run_id, name, payload, sent_at FROM ${t}.signals WHERE run_id = r.id AND consumed_seq IS NULL
        ) s) AS signals,
        (SELECT coalesce(json_agg(c), '[]') FROM ${t}.runs c WHERE c.parent_id = r.id AND c.status IN ${terminal}) AS children,
        (SELECT coalesce(json_agg(w ORDER BY w.position), '[]') FROM (
          SELECT position, name, match, due_at, event_id, payload, received_at FROM ${t}.event_waits WHERE run_id = r.id
        ) w) AS event_waits
      FROM ${t}.runs r WHERE r.id = ANY($1::text[])`,

    // $1 run, $2 name, $3 payload, $4 key, $5 now, $6 channel
    sendSignal: `WITH run AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = $5::bigint
        WHERE id = $1 AND status NOT IN ${terminal} RETURNING id, poke_seq
      ),
      ins AS (
        INSERT INTO ${t}.signals (run_id, name, payload, sent_at, send_key)
        SELECT $1, $2, $3, $5::bigint, $4 FROM run ON CONFLICT (send_key) DO NOTHING RETURNING id
      ),
      note AS (SELECT pg_notify($6, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT (SELECT count(*) FROM run)::int AS found, (SELECT count(*) FROM ins)::int AS inserted,
        (SELECT count(*) FROM note)::int AS notes`,

    // sendSignal of many signals at once (group commit): their runs are
    // locked in id order, as every statement locking several runs does; a
    // run's signals keep their order. $1 signals (i, run_id, name, payload,
    // send_key, now), $2 channel; returns the runs found unfinished.
    sendSignals: `WITH s AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb)
          AS s(i integer, run_id text, name text, payload text, send_key text, now bigint)
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r
        WHERE r.id = ANY (ARRAY(SELECT run_id FROM s)) AND r.status NOT IN ${terminal}
        ORDER BY r.id FOR UPDATE OF r
      ),
      run AS (
        UPDATE ${t}.runs r SET poke_seq = r.poke_seq + 1, updated_at = c.now
        FROM (SELECT run_id, max(now) AS now FROM s GROUP BY run_id) c
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = c.run_id AND r.status NOT IN ${terminal}
        RETURNING r.id, r.poke_seq
      ),
      ins AS (
        INSERT INTO ${t}.signals (run_id, name, payload, sent_at, send_key)
        SELECT s.run_id, s.name, s.payload, s.now, s.send_key FROM s
        WHERE s.run_id IN (SELECT id FROM run) ORDER BY s.i
        ON CONFLICT (send_key) DO NOTHING RETURNING id
      ),
      note AS (SELECT pg_notify($2, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT id, (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM note)::int AS notes FROM run`,

    // $1 run, $2 now, $3 channel
    cancel: `WITH run AS (
        UPDATE ${t}.runs SET cancel_requested = true, poke_seq = poke_seq + 1, updated_at = $2::bigint
        WHERE id = $1 AND status NOT IN ${terminal} RETURNING *
      ),
      note AS (SELECT pg_notify($3, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT run.*, (SELECT count(*) FROM note)::int AS notes FROM run`,

    // $1 run, $2 deadline, $3 now, $4 type, $5 position, $6 at, $7 data, $8 channel
    resume: `WITH upd AS (
        UPDATE ${t}.runs SET status = 'pending', error = NULL, finished_at = NULL, wake_at = NULL,
          last_seq = last_seq + 1, deadline_at = $2::bigint, updated_at = $3::bigint
        WHERE id = $1 AND status = 'failed' RETURNING last_seq
      ),
      ins AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, upd.last_seq, $4, $5::integer, $6::bigint, $7 FROM upd
      ),
      note AS (SELECT pg_notify($8, 'r') FROM upd)
      SELECT (SELECT count(*) FROM upd)::int AS resumed, (SELECT count(*) FROM note)::int AS notes`,

    // $1 owner, $2 now, $3 lease ms, $4 workflows, $5 reclaim, $6 limit
    claim: `WITH picked AS (
        SELECT id FROM ${t}.runs
        WHERE status IN ${active}
          AND (lease_owner IS NULL OR (lease_owner <> $1 AND lease_expires_at < $2::bigint)
            OR (lease_owner = $1 AND id = ANY($5::text[])))
          AND (status <> 'waiting' OR wake_at <= $2::bigint OR poke_seq > seen_poke_seq)
          AND (workflow || '@' || version) = ANY($4::text[])
        ORDER BY created_at
        LIMIT $6
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t}.runs r SET lease_owner = $1, lease_token = r.lease_token + 1,
        lease_expires_at = $2::bigint + $3::bigint,
        status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END, updated_at = $2::bigint
      FROM picked WHERE r.id = picked.id
      RETURNING r.*`,

    // $1 now, $2 workflows
    nextWake: `SELECT min(wake_at) AS at FROM ${t}.runs
      WHERE status = 'waiting' AND lease_owner IS NULL AND wake_at > $1::bigint
        AND (workflow || '@' || version) = ANY($2::text[])`,

    // Locks in id order, as appendStepsBatch does.
    renew: `UPDATE ${t}.runs SET lease_expires_at = $2::bigint
      WHERE id IN (SELECT id FROM ${t}.runs WHERE lease_owner = $1 ORDER BY id FOR UPDATE)
        AND lease_owner = $1
      RETURNING id`,
    held: `SELECT id FROM ${t}.runs WHERE lease_owner = $1`,
    poked: `SELECT id, poke_seq FROM ${t}.runs WHERE lease_owner = $1 AND poke_seq > seen_poke_seq`,
    lease: `SELECT lease_owner, lease_token, last_seq FROM ${t}.runs WHERE id = $1`,

    // $1 id, $2 owner, $3 token, $4 previous seq, $5 last seq, $6 status, $7 set output, $8 output,
    // $9 set error, $10 error, $11 set wake, $12 wake at, $13 seen poke seq, $14 finished at,
    // $15 release, $16 now, $17 events, $18 consumed signals, $19 child runs, $20 child events,
    // $21 terminal, $22 channel, $23 event waits to register, $24 positions of event waits ended
    // The common write of a step (events, status, next timer, nothing else): the
    // lean form of \`append\`, with its parameters numbered alike where shared.
    // $1 run, $2 owner, $3 token, $4 previous seq, $5 last seq, $6 status,
    // $7 set wake_at, $8 wake_at, $9 seen poke seq, $10 now, $11 events
    appendSteps: `WITH upd AS (
        UPDATE ${t}.runs SET
          last_seq = $5::integer,
          status = coalesce($6::text, status),
          wake_at = CASE WHEN $7::boolean THEN $8::bigint ELSE wake_at END,
          seen_poke_seq = coalesce($9::bigint, seen_poke_seq),
          updated_at = $10::bigint
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3::bigint AND last_seq = $4::integer
        RETURNING id
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($11::jsonb) AS e(${eventColumns})
        WHERE EXISTS (SELECT 1 FROM upd)
      )
      SELECT (SELECT count(*) FROM upd)::int AS matched`,

    // appendSteps of many runs at once (group commit). Rows are locked in id
    // order, as renewals lock them, so two such statements never deadlock.
    // $1 writes (id, owner, token, previous_seq, last_seq, status, set_wake, wake_at, seen_poke_seq, now,
    // consumed: ids of the signals it consumed), $2 events (with run_id); returns the ids whose fence matched
    appendStepsBatch: stepsBatch(t, true),
    // The same when no write of the batch consumed a signal.
    appendStepsBatchNoSignals: stepsBatch(t, false),

    // The last write of many runs at once (group commit): each run's row and
    // its parent's are locked first, all in id order, as renewals and the
    // other batched writes lock theirs. A parent ending in the same statement
    // is not poked (one row is never updated twice in a statement).
    // $1 writes (id, owner, token, previous_seq, last_seq, status, output, error, seen_poke_seq, now),
    // $2 events (with run_id), $3 channel; returns the ids whose fence matched
    appendEndsBatch: `WITH w AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, owner text, token bigint, previous_seq integer,
          last_seq integer, status text, output text, error text, seen_poke_seq bigint, now bigint)
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r
        WHERE r.id = ANY (ARRAY(
          SELECT id FROM w
          UNION
          SELECT c.parent_id FROM ${t}.runs c WHERE c.id = ANY (ARRAY(SELECT id FROM w)) AND c.parent_id IS NOT NULL
        ))
        ORDER BY r.id FOR UPDATE OF r
      ),
      upd AS (
        UPDATE ${t}.runs r SET
          last_seq = w.last_seq,
          status = w.status,
          output = w.output,
          error = w.error,
          wake_at = NULL,
          seen_poke_seq = coalesce(w.seen_poke_seq, r.seen_poke_seq),
          finished_at = w.now,
          lease_owner = NULL,
          lease_expires_at = NULL,
          updated_at = w.now
        FROM w
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = w.id
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        RETURNING r.id, r.parent_id, w.now
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($2::jsonb) AS e(run_id text, ${eventColumns})
        WHERE e.run_id IN (SELECT id FROM upd)
      ),
      waits_ended AS (DELETE FROM ${t}.event_waits WHERE run_id IN (SELECT id FROM upd)),
      parent AS (
        UPDATE ${t}.runs p SET poke_seq = p.poke_seq + 1, updated_at = u.now
        FROM (SELECT parent_id, max(now) AS now FROM upd WHERE parent_id IS NOT NULL GROUP BY parent_id) u
        WHERE p.id = u.parent_id AND p.status NOT IN ${terminal} AND p.id NOT IN (SELECT id FROM upd)
        RETURNING p.id, p.poke_seq
      ),
      note_parent AS (SELECT pg_notify($3, 'k:' || poke_seq || ':' || id) FROM parent)
      SELECT id, (SELECT count(*) FROM note_parent)::int AS notes FROM upd`,

    // A run's last write pokes its parent: both rows are locked first, in id
    // order, as renewals and batched writes lock theirs (no deadlock between them).
    append: `WITH locked AS (
        SELECT id FROM ${t}.runs
        WHERE id = $1 OR ($21::boolean AND id = (SELECT parent_id FROM ${t}.runs WHERE id = $1))
        ORDER BY id FOR UPDATE
      ),
      -- A child id taken already leaves the run poked: should its holder die
      -- before it checks that run, whoever takes the run over checks it.
      taken AS (
        SELECT 1 FROM ${t}.runs WHERE id IN (SELECT c.id FROM jsonb_to_recordset($19::jsonb) AS c(id text))
      ),
      upd AS (
        UPDATE ${t}.runs SET
          last_seq = $5::integer,
          status = coalesce($6::text, status),
          output = CASE WHEN $7::boolean THEN $8::text ELSE output END,
          error = CASE WHEN $9::boolean THEN $10::text ELSE error END,
          wake_at = CASE WHEN $11::boolean THEN $12::bigint ELSE wake_at END,
          seen_poke_seq = coalesce($13::bigint, seen_poke_seq),
          poke_seq = poke_seq + CASE WHEN EXISTS (SELECT 1 FROM taken) THEN 1 ELSE 0 END,
          finished_at = coalesce($14::bigint, finished_at),
          lease_owner = CASE WHEN $15::boolean THEN NULL ELSE lease_owner END,
          lease_expires_at = CASE WHEN $15::boolean THEN NULL ELSE lease_expires_at END,
          updated_at = $16::bigint
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3::bigint AND last_seq = $4::integer
          AND EXISTS (SELECT 1 FROM locked WHERE locked.id = $1)
        RETURNING parent_id, status, wake_at, poke_seq, seen_poke_seq
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($17::jsonb) AS e(${eventColumns})
        WHERE EXISTS (SELECT 1 FROM upd)
      ),
      consumed AS (
        UPDATE ${t}.signals SET consumed_seq = $5::integer
        WHERE run_id = $1 AND id = ANY($18::bigint[]) AND EXISTS (SELECT 1 FROM upd)
      ),
      ${insertRuns(t, "$19", "$20", "$16::bigint", "EXISTS (SELECT 1 FROM upd)")},
      waits_added AS (
        INSERT INTO ${t}.event_waits (run_id, position, name, match, due_at)
        SELECT $1, w.position, w.name, w.match, w.due_at
        FROM jsonb_to_recordset($23::jsonb) AS w(position integer, name text, match jsonb, due_at bigint)
        WHERE EXISTS (SELECT 1 FROM upd) AND NOT $21::boolean AND NOT (w.position = ANY($24::integer[]))
        ON CONFLICT (run_id, position) DO NOTHING
      ),
      waits_ended AS (
        DELETE FROM ${t}.event_waits
        WHERE run_id = $1 AND EXISTS (SELECT 1 FROM upd) AND ($21::boolean OR position = ANY($24::integer[]))
      ),
      parent AS (
        UPDATE ${t}.runs p SET poke_seq = p.poke_seq + 1, updated_at = $16::bigint
        FROM upd WHERE $21::boolean AND p.id = upd.parent_id AND p.status NOT IN ${terminal}
        RETURNING p.id, p.poke_seq
      ),
      note_parent AS (SELECT pg_notify($22, 'k:' || poke_seq || ':' || id) FROM parent),
      note_children AS (SELECT pg_notify($22, 'r') WHERE EXISTS (SELECT 1 FROM new_runs)),
      note_release AS (
        SELECT pg_notify($22, CASE WHEN u.status <> 'waiting' OR u.poke_seq > u.seen_poke_seq THEN 'r'
          ELSE 'w:' || u.wake_at END)
        FROM upd u
        WHERE $15::boolean AND NOT $21::boolean
          AND (u.status <> 'waiting' OR u.poke_seq > u.seen_poke_seq OR u.wake_at IS NOT NULL)
      )
      SELECT (SELECT count(*) FROM upd)::int AS matched,
        (SELECT count(*) FROM note_parent)::int + (SELECT count(*) FROM note_children)::int
          + (SELECT count(*) FROM note_release)::int AS notes,
        -- Children not created because their id was taken (the caller decides whether that run is the child).
        (SELECT array_agg(c.id) FROM jsonb_to_recordset($19::jsonb) AS c(id text)
          WHERE EXISTS (SELECT 1 FROM upd) AND c.id NOT IN (SELECT id FROM new_runs)) AS existing`,
  };
}
