import assert from "node:assert/strict";
import { type StoreCase, suiteRun } from "./store-case.js";

/** The store suite's tests of creating runs, claims, leases and fenced writes. */
export const storeLeaseCases: StoreCase[] = [
  {
    name: "createRun answers the run as the store holds it, with or without a lease, and the first one when the id exists",
    async run(store) {
      const plain = await store.createRun(suiteRun("plain"), 5);
      assert.equal(plain.created, true);
      assert.deepEqual(plain.run, await store.getRun("plain"));
      const leased = await store.createRun(
        { ...suiteRun("leased"), parentId: "plain", timeoutMs: 60_000, lease: { owner: "w1", expiresAt: 9_000 } },
        7,
      );
      assert.deepEqual(leased.run, await store.getRun("leased"));
      assert.equal(leased.run.status, "running");
      assert.equal(leased.run.leaseOwner, "w1");
      assert.equal(leased.run.deadlineAt, 60_007);
      const again = await store.createRun({ ...suiteRun("plain"), input: { other: true } }, 9);
      assert.equal(again.created, false);
      assert.deepEqual(again.run, plain.run, "the existing run, unchanged");
    },
  },
  {
    name: "claims skip runs under a live lease and take over expired ones with a new token",
    async run(store) {
      await store.createRun(suiteRun("r"), 1);
      const request = { leaseMs: 100, limit: 10, workflows: ["w@1"] };
      const [first] = (await store.claimRuns({ ...request, owner: "w1", now: 10 })).runs;
      assert.equal((await store.claimRuns({ ...request, owner: "w2", now: 50 })).runs.length, 0);
      const [second] = (await store.claimRuns({ ...request, owner: "w2", now: 111 })).runs;
      assert.ok(first && second);
      assert.equal(second.lease.token, first.lease.token + 1);
      assert.deepEqual(
        second.history.map((e) => e.type),
        ["run.started"],
      );
      assert.equal(
        (await store.claimRuns({ ...request, owner: "w3", now: 112, workflows: ["other@1"] })).runs.length,
        0,
        "only workflows the worker has code for",
      );
    },
  },
  {
    name: "a worker re-claims a run it holds but lost track of, and renewal names what it holds",
    async run(store) {
      await store.createRun(suiteRun("mine"), 1);
      const request = { owner: "w1", leaseMs: 1000, limit: 10, workflows: ["w@1"] };
      const [first] = (await store.claimRuns({ ...request, now: 10 })).runs;
      assert.ok(first);
      assert.equal((await store.claimRuns({ ...request, now: 20 })).runs.length, 0, "held: not claimed again");
      assert.equal(
        (await store.claimRuns({ ...request, now: 2000 })).runs.length,
        0,
        "held, its lease past: its holder does not take it again unless it asks",
      );
      assert.equal(
        (await store.claimRuns({ ...request, owner: "w2", now: 25, reclaim: ["mine"] })).runs.length,
        0,
        "only its holder reclaims a run",
      );
      const [again] = (await store.claimRuns({ ...request, now: 30, reclaim: ["mine"] })).runs;
      assert.equal(again?.lease.token, first.lease.token + 1, "reclaimed under a new token");
      assert.deepEqual(await store.renewLeases("w1", 40, 1000), ["mine"]);
      assert.deepEqual(await store.heldRuns("w1"), ["mine"]);
      assert.deepEqual(await store.renewLeases("w2", 40, 1000), []);
    },
  },
  {
    name: "a claim reports the next timer of a waiting run that no worker holds",
    async run(store) {
      await store.createRun(suiteRun("sleeper"), 1);
      const request = { owner: "w1", leaseMs: 1000, limit: 10, workflows: ["w@1"] };
      const [claimed] = (await store.claimRuns({ ...request, now: 10 })).runs;
      assert.ok(claimed);
      await store.appendHistory(claimed.lease, {
        kind: "release",
        events: [{ seq: 2, type: "timer.set", at: 10, position: 0, name: "nap", dueAt: 5000 }],
        status: "waiting",
        wakeAt: 5000,
        now: 10,
      });
      const result = await store.claimRuns({ ...request, owner: "w2", now: 20 });
      assert.equal(result.runs.length, 0, "not due yet");
      assert.equal(result.nextWakeAt, 5000);
      assert.equal((await store.claimRuns({ ...request, owner: "w2", now: 5000 })).runs[0]?.run.id, "sleeper");
    },
  },
  {
    name: "progress of many runs written at once: each commits or is refused on its own lease",
    async run(store) {
      for (const id of ["g1", "g2", "g3", "g4"]) await store.createRun(suiteRun(id), 1);
      const request = { leaseMs: 100, limit: 10, workflows: ["w@1"] };
      const claimed = (await store.claimRuns({ ...request, owner: "a", now: 10 })).runs;
      assert.equal(claimed.length, 4);
      // Another worker takes g3 over once the leases ran out; "a" renews nothing.
      await store.renewLeases("a", 50, 100);
      const stolen = (await store.claimRuns({ ...request, owner: "b", now: 200, limit: 1 })).runs;
      assert.equal(stolen.length, 1);
      const lostId = stolen[0]?.run.id;
      const writes = claimed.map((run) =>
        store.appendHistory(run.lease, {
          kind: "progress",
          events: [
            { seq: 2, type: "step.started", at: 201, position: 0, name: "s", attempt: 1 },
            { seq: 3, type: "step.completed", at: 201, position: 0, name: "s", attempt: 1, output: 1 },
          ],
          now: 201,
        }),
      );
      const results = await Promise.allSettled(writes);
      for (const [i, run] of claimed.entries()) {
        const result = results[i];
        const types = (await store.getHistory(run.run.id)).map((e) => e.type);
        if (run.run.id === lostId) {
          assert.equal(result?.status, "rejected");
          assert.equal((result as PromiseRejectedResult).reason.code, "LEASE_LOST");
          assert.deepEqual(types, ["run.started"]);
        } else {
          assert.equal(result?.status, "fulfilled", `write of ${run.run.id}`);
          assert.deepEqual(types, ["run.started", "step.started", "step.completed"]);
        }
      }
    },
  },
  {
    name: "last writes of many runs at once: each ends or is refused on its own lease, and a parent still running is poked",
    async run(store) {
      await store.createRun(suiteRun("s"), 1); // the oldest: the one another worker takes over
      for (const id of ["p1", "p2", "e1"]) await store.createRun(suiteRun(id), 2);
      await store.createRun({ ...suiteRun("c1"), parentId: "p1" }, 2);
      await store.createRun({ ...suiteRun("c2"), parentId: "p2" }, 2);
      const request = { leaseMs: 100, limit: 10, workflows: ["w@1"] };
      const claimed = (await store.claimRuns({ ...request, owner: "a", now: 10 })).runs;
      assert.equal(claimed.length, 6);
      await store.renewLeases("a", 50, 100);
      const stolen = (await store.claimRuns({ ...request, owner: "b", now: 200, limit: 1 })).runs;
      assert.deepEqual(
        stolen.map((run) => run.run.id),
        ["s"],
      );
      const before = await store.getRun("p2");
      const ends: Record<
        string,
        { status: "completed" | "failed"; output?: unknown; error?: { name: string; message: string } }
      > = {
        s: { status: "completed", output: "stale" },
        p1: { status: "completed", output: "p1 done" },
        c1: { status: "completed", output: { n: 1 } },
        c2: { status: "failed", error: { name: "Error", message: "c2 broke" } },
        e1: { status: "completed", output: null },
      };
      const leases = new Map(claimed.map((run) => [run.run.id, run.lease]));
      const results = await Promise.allSettled(
        Object.entries(ends).map(([id, end]) =>
          store.appendHistory(leases.get(id) as (typeof claimed)[number]["lease"], {
            kind: "finish",
            events: [
              end.status === "completed"
                ? { seq: 2, type: "run.completed", at: 201, output: end.output }
                : { seq: 2, type: "run.failed", at: 201, error: end.error as { name: string; message: string } },
            ],
            status: end.status,
            ...(end.status === "completed" ? { output: end.output } : { error: end.error }),
            now: 201,
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => (r.status === "fulfilled" ? "ok" : r.reason.code)),
        ["LEASE_LOST", "ok", "ok", "ok", "ok"],
      );
      const s = await store.getRun("s");
      assert.equal(s?.status, "running");
      assert.equal(s?.leaseOwner, "b");
      assert.deepEqual(
        (await store.getHistory("s")).map((e) => e.type),
        ["run.started"],
      );
      for (const [id, end] of Object.entries(ends).filter(([id]) => id !== "s")) {
        const run = await store.getRun(id);
        assert.equal(run?.status, end.status, id);
        assert.deepEqual(run?.output, end.output, id);
        assert.equal(run?.error?.message, end.error?.message, id);
        assert.equal(run?.finishedAt, 201, id);
        assert.equal(run?.leaseOwner, undefined, `${id} released`);
        assert.equal(run?.lastSeq, 2, id);
        assert.deepEqual(
          (await store.getHistory(id)).map((e) => e.type),
          ["run.started", end.status === "completed" ? "run.completed" : "run.failed"],
        );
      }
      const p2 = await store.getRun("p2");
      assert.ok((p2?.pokeSeq ?? 0) > (before?.pokeSeq ?? 0), "the parent still running was poked");
      assert.deepEqual(
        (await store.readInbox("p2")).finishedChildren.map((child) => child.id),
        ["c2"],
      );
    },
  },
  {
    name: "a write under a stale lease is refused and writes nothing; seqs follow on",
    async run(store) {
      await store.createRun(suiteRun("r"), 1);
      const request = { leaseMs: 100, limit: 1, workflows: ["w@1"] };
      const [first] = (await store.claimRuns({ ...request, owner: "a", now: 2 })).runs;
      assert.ok(first);
      await store.appendHistory(first.lease, {
        kind: "progress",
        events: [{ seq: 2, type: "timer.set", at: 3, position: 0, name: "sleep", dueAt: 50 }],
        status: "waiting",
        wakeAt: 50,
        now: 3,
      });
      const waiting = await store.getRun("r");
      assert.equal(waiting?.status, "waiting");
      assert.equal(waiting?.wakeAt, 50);
      assert.equal(waiting?.lastSeq, 2);
      const [second] = (await store.claimRuns({ ...request, owner: "b", now: 200 })).runs;
      assert.ok(second, "taken over once the lease expired");
      assert.deepEqual(
        second.history.map((e) => e.type),
        ["run.started", "timer.set"],
      );
      await assert.rejects(
        store.appendHistory(first.lease, {
          kind: "progress",
          events: [{ seq: 3, type: "timer.fired", at: 201, position: 0, name: "sleep" }],
          now: 201,
        }),
        { code: "LEASE_LOST" },
      );
      assert.equal((await store.getRun("r"))?.lastSeq, 2, "nothing written");
      await store.appendHistory(second.lease, {
        kind: "finish",
        events: [
          { seq: 3, type: "timer.fired", at: 202, position: 0, name: "sleep" },
          { seq: 4, type: "run.completed", at: 202, output: "done" },
        ],
        status: "completed",
        output: "done",
        now: 202,
      });
      const done = await store.getRun("r");
      assert.equal(done?.status, "completed");
      assert.equal(done?.output, "done");
      assert.equal(done?.wakeAt, undefined);
      assert.equal(done?.finishedAt, 202);
      assert.deepEqual(
        (await store.getHistory("r")).map((e) => [e.seq, e.type, e.at]),
        [
          [1, "run.started", 1],
          [2, "timer.set", 3],
          [3, "timer.fired", 202],
          [4, "run.completed", 202],
        ],
      );
      assert.deepEqual(await store.heldRuns("b"), [], "a finished run is held by no one");
    },
  },
  {
    name: "a released run keeps its status and timer, and is claimed again once its timer is due",
    async run(store) {
      await store.createRun(suiteRun("r"), 1);
      const request = { owner: "w1", leaseMs: 60_000, limit: 1, workflows: ["w@1"] };
      const [claimed] = (await store.claimRuns({ ...request, now: 2 })).runs;
      assert.ok(claimed);
      await store.appendHistory(claimed.lease, { kind: "release", events: [], status: "waiting", wakeAt: 500, now: 3 });
      const released = await store.getRun("r");
      assert.equal(released?.leaseOwner, undefined);
      assert.equal(released?.status, "waiting");
      assert.deepEqual(await store.heldRuns("w1"), []);
      assert.equal((await store.claimRuns({ ...request, now: 499 })).runs.length, 0, "not due yet");
      assert.equal((await store.claimRuns({ ...request, now: 500 })).runs[0]?.run.id, "r");
    },
  },
  {
    name: "migrating twice applies nothing the second time",
    async run(store) {
      assert.deepEqual(await store.migrate(), []);
    },
  },
];
