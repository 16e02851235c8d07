/**
 * Slot handoffs on PostgreSQL (see `SlotHandoff`): a finishing run of a
 * queue limited by its concurrency alone passes its slot on, in the same
 * transaction, to the queue's next runnable run, leased to the same
 * holder; never beyond the queue's limits, never for queues with per-key
 * or rate limits, never to a workflow the holder does not execute.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPostgresStore, type Store } from "baton";
import type { ClaimedRun } from "../../src/store/store.js";
import { newRun, tempStore } from "../helpers.js";

const handoff = { workflows: ["w@1"], leaseMs: 1000 };

/** A store with queue `q` of these limits, its runs `ids` created in that order at 10, 11... */
async function storeWith(
  limits: Record<string, unknown>,
  runs: { id: string; priority?: number; workflow?: string }[],
) {
  const store = createPostgresStore(tempStore(), { log: () => {} });
  await store.migrate();
  await store.registerQueues([{ name: "q", holdWhileWaiting: false, ...limits }], "test", 1);
  for (const [i, run] of runs.entries()) {
    await store.createRun(
      { ...newRun(run.id), queue: "q", priority: run.priority ?? 0, workflow: run.workflow ?? "w" },
      10 + i,
    );
  }
  return store;
}

/** Claims up to `limit` runs of queue `q` for `owner`. */
async function claim(store: Store, owner: string, limit: number): Promise<ClaimedRun[]> {
  const request = { owner, now: 100, leaseMs: 1000, limit, workflows: ["w@1"], queues: ["q"] };
  return (await store.claimRuns(request)).runs;
}

/** Finishes `run` (completed), handing its slot on. */
function finish(store: Store, run: ClaimedRun, now = 200) {
  return store.appendHistory(run.lease, {
    kind: "finish",
    events: [{ seq: run.run.lastSeq + 1, type: "run.completed", at: now, output: "ok" }],
    status: "completed",
    output: "ok",
    now,
    handoff,
  });
}

test("a finish hands its slot to the queue's next run in claim order, leased to the same holder", async () => {
  const store = await storeWith({ concurrency: 2 }, [
    { id: "a" },
    { id: "b" },
    { id: "old" },
    { id: "urgent", priority: 5 },
    { id: "late" },
  ]);
  try {
    const taken = await claim(store, "w1", 10);
    assert.deepEqual(taken.map((c) => c.run.id).sort(), ["a", "urgent"], "the claim fills the two slots");
    const result = await finish(store, taken.find((c) => c.run.id === "a") as ClaimedRun);
    const [handed] = result?.handedOff?.runs ?? [];
    assert.ok(handed, "the finish handed its slot on");
    assert.equal(handed.run.id, "b", "to the oldest run of the highest priority left");
    assert.equal(handed.run.status, "running");
    assert.equal(handed.run.leaseOwner, "w1");
    assert.equal(handed.run.leaseExpiresAt, 1200, "leased from the write's now for the lease given");
    assert.equal(handed.run.startedAt, 200);
    assert.deepEqual(handed.lease, { runId: "b", owner: "w1", token: 1 });
    assert.deepEqual(
      handed.history.map((e) => e.type),
      ["run.started"],
    );
    assert.equal((await store.getRun("a"))?.status, "completed");
    const [queue] = await store.listQueues(300);
    assert.equal(queue?.running, 2, "the slot count is what it was: one left, one came");
    assert.equal(queue?.pending, 2);
    // The run handed on writes under its lease like a claimed one.
    const next = await finish(store, handed, 300);
    assert.equal(next?.handedOff?.runs[0]?.run.id, "old");
    assert.equal((await store.getRun("b"))?.status, "completed");
  } finally {
    await store.close();
  }
});

test("no handoff beyond the queue's limit, for per-key or rate limits, or to a workflow the holder lacks", async () => {
  const over = await storeWith({ concurrency: 3 }, [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }]);
  try {
    const taken = await claim(over, "w1", 10);
    assert.equal(taken.length, 3);
    // The limit lowered to 1 while three run: finishing one leaves two, still over it.
    await over.registerQueues([{ name: "q", concurrency: 1, holdWhileWaiting: false }], "test", 2);
    const result = await finish(over, taken[0] as ClaimedRun);
    assert.equal(result?.handedOff, undefined, "no slot is handed on while the queue holds more than its limit");
    assert.equal((await over.getRun("d"))?.status, "pending");
  } finally {
    await over.close();
  }
  for (const limits of [{ perKey: 1 }, { concurrency: 5, rateLimit: { limit: 10, periodMs: 60_000, perKey: false } }]) {
    const store = await storeWith(limits, [{ id: "a" }, { id: "b" }]);
    try {
      const [first] = await claim(store, "w1", 1);
      assert.ok(first);
      const result = await finish(store, first);
      assert.equal(result?.handedOff, undefined, `no handoff with ${JSON.stringify(limits)}`);
      assert.equal((await store.getRun("b"))?.status, "pending", "the next run is left to claims");
    } finally {
      await store.close();
    }
  }
  const other = await storeWith({ concurrency: 1 }, [{ id: "a" }, { id: "theirs", workflow: "other" }]);
  try {
    const [first] = await claim(other, "w1", 1);
    assert.ok(first);
    const result = await finish(other, first);
    assert.equal(result?.handedOff, undefined, "a run of a workflow the holder does not execute is not handed on");
    assert.equal((await other.getRun("theirs"))?.leaseOwner, undefined);
  } finally {
    await other.close();
  }
});

test("finishes of one batch hand on as many slots as finished, each run to one write", async () => {
  const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
  const store = await storeWith(
    { concurrency: 4 },
    ids.map((id) => ({ id })),
  );
  try {
    const taken = await claim(store, "w1", 10);
    assert.equal(taken.length, 4);
    // Finished in the same turn: the writes share one statement.
    const results = await Promise.all(taken.map((run) => finish(store, run)));
    const handed = results.flatMap((result) => result?.handedOff?.runs ?? []).map((c) => c.run.id);
    assert.deepEqual(handed.sort(), ["r4", "r5", "r6", "r7"]);
    assert.ok(
      results.every((result) => (result?.handedOff?.runs.length ?? 0) === 1),
      "one run to each write",
    );
    const [queue] = await store.listQueues(300);
    assert.equal(queue?.running, 4);
    assert.equal(queue?.pending, 0);
  } finally {
    await store.close();
  }
});
