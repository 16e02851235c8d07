import assert from "node:assert/strict";
import { type StoreCase, suiteRun } from "./store-case.js";

/** The store suite's tests of what reaches a run from outside: signals, cancels, resumes, events. */
export const storeInboxCases: StoreCase[] = [
  {
    name: "signals to a run poke it; the holder sees them in its inbox and in pokedRuns",
    async run(store) {
      await store.createRun(suiteRun("s"), 1);
      const [claimed] = (await store.claimRuns({ owner: "w1", now: 2, leaseMs: 1000, limit: 1, workflows: ["w@1"] }))
        .runs;
      assert.ok(claimed);
      await store.sendSignal("s", "go", { n: 1 }, 3);
      await store.sendSignal("s", "go", { n: 2 }, 4);
      const inbox = await store.readInbox("s");
      assert.deepEqual(await store.pokedRuns("w1"), [{ runId: "s", pokeSeq: inbox.pokeSeq }]);
      assert.equal(inbox.pokeSeq, claimed.run.pokeSeq + 2, "each signal pokes the run");
      assert.deepEqual(
        inbox.signals.map((signal) => signal.payload),
        [{ n: 1 }, { n: 2 }],
      );
      await store.appendHistory(claimed.lease, {
        kind: "progress",
        events: [
          { seq: 2, type: "signal.received", at: 5, name: "go", payload: { n: 1 }, signalId: inbox.signals[0]?.id },
        ],
        consumedSignals: [inbox.signals[0]?.id as number],
        seenPokeSeq: inbox.pokeSeq,
        now: 5,
      });
      assert.deepEqual(await store.pokedRuns("w1"), []);
      assert.deepEqual(
        (await store.listPendingSignals("s")).map((signal) => signal.payload),
        [{ n: 2 }],
      );
      await assert.rejects(store.sendSignal("nope", "go", 1, 6), { code: "RUN_NOT_FOUND" });
    },
  },
  {
    name: "signals sent at once: each reaches its run in the order sent, or is refused for a missing or finished run",
    async run(store) {
      for (const id of ["a", "b", "done"]) await store.createRun(suiteRun(id), 1);
      const claimed = (await store.claimRuns({ owner: "w", now: 2, leaseMs: 1000, limit: 10, workflows: ["w@1"] }))
        .runs;
      const done = claimed.find((run) => run.run.id === "done");
      assert.ok(done);
      await store.appendHistory(done.lease, {
        kind: "finish",
        events: [{ seq: 2, type: "run.completed", at: 3, output: 1 }],
        status: "completed",
        output: 1,
        now: 3,
      });
      const before = await store.getRun("a");
      const sends: [string, string, unknown][] = [
        ["a", "x", 1],
        ["b", "x", 3],
        ["missing", "x", 4],
        ["a", "y", 2],
        ["done", "x", 5],
        ["a", "z", undefined],
      ];
      const results = await Promise.allSettled(
        sends.map(([runId, name, payload]) => store.sendSignal(runId, name, payload, 4)),
      );
      assert.deepEqual(
        results.map((r) => (r.status === "fulfilled" ? "ok" : r.reason.code)),
        ["ok", "ok", "RUN_NOT_FOUND", "ok", "RUN_FINISHED", "ok"],
      );
      const pending = (runId: string) =>
        store.listPendingSignals(runId).then((signals) => signals.map((s) => [s.name, s.payload]));
      assert.deepEqual(await pending("a"), [
        ["x", 1],
        ["y", 2],
        ["z", undefined],
      ]);
      assert.deepEqual(await pending("b"), [["x", 3]]);
      assert.deepEqual(await pending("done"), []);
      const inbox = await store.readInbox("a");
      assert.ok(inbox.pokeSeq > (before?.pokeSeq ?? 0), "the run was poked");
      assert.deepEqual(
        inbox.signals.map((s) => s.name),
        ["x", "y", "z"],
      );
    },
  },
  {
    name: "a cancel request marks the run and pokes it; a missing or finished run refuses it",
    async run(store) {
      await store.createRun(suiteRun("c"), 1);
      const [claimed] = (await store.claimRuns({ owner: "w1", now: 2, leaseMs: 1000, limit: 1, workflows: ["w@1"] }))
        .runs;
      assert.ok(claimed);
      const cancelled = await store.requestCancel("c", 3);
      assert.equal(cancelled.cancelRequested, true);
      assert.ok(cancelled.pokeSeq > claimed.run.pokeSeq, "the run was poked");
      const inbox = await store.readInbox("c");
      assert.equal(inbox.cancelRequested, true);
      assert.deepEqual(await store.pokedRuns("w1"), [{ runId: "c", pokeSeq: inbox.pokeSeq }]);
      await assert.rejects(store.requestCancel("missing", 4), { code: "RUN_NOT_FOUND" });
      await store.appendHistory(claimed.lease, {
        kind: "finish",
        events: [{ seq: 2, type: "run.cancelled", at: 5 }],
        status: "cancelled",
        seenPokeSeq: inbox.pokeSeq,
        now: 5,
      });
      await assert.rejects(store.requestCancel("c", 6), { code: "RUN_FINISHED" });
      await assert.rejects(store.sendSignal("c", "late", 1, 6), { code: "RUN_FINISHED" });
    },
  },
  {
    name: "a failed run resumes: back to pending with its event appended and a new deadline, claimable again",
    async run(store) {
      await store.createRun({ ...suiteRun("f"), timeoutMs: 100 }, 1);
      const request = { owner: "w1", leaseMs: 1000, limit: 1, workflows: ["w@1"] };
      const [claimed] = (await store.claimRuns({ ...request, now: 2 })).runs;
      assert.ok(claimed);
      await assert.rejects(
        store.resumeRun("f", { type: "run.resumed", at: 3, positions: [] }, undefined, 3),
        { code: "RUN_NOT_FAILED" },
        "a running run is not resumed",
      );
      const error = { name: "Error", message: "boom" };
      await store.appendHistory(claimed.lease, {
        kind: "finish",
        events: [{ seq: 2, type: "run.failed", at: 4, error, positions: [0] }],
        status: "failed",
        error,
        now: 4,
      });
      assert.equal((await store.getRun("f"))?.status, "failed");
      await store.resumeRun("f", { type: "run.resumed", at: 10, positions: [0] }, 110, 10);
      const resumed = await store.getRun("f");
      assert.equal(resumed?.status, "pending");
      assert.equal(resumed?.deadlineAt, 110);
      assert.equal(resumed?.leaseOwner, undefined);
      const history = await store.getHistory("f");
      assert.deepEqual(
        history.map((e) => [e.seq, e.type]),
        [
          [1, "run.started"],
          [2, "run.failed"],
          [3, "run.resumed"],
        ],
      );
      assert.deepEqual(history[2]?.positions, [0]);
      const [again] = (await store.claimRuns({ ...request, owner: "w2", now: 11 })).runs;
      assert.equal(again?.run.id, "f", "claimable again");
      assert.ok((again?.lease.token ?? 0) > claimed.lease.token);
      await assert.rejects(store.resumeRun("missing", { type: "run.resumed", at: 12 }, undefined, 12), {
        code: "RUN_NOT_FOUND",
      });
    },
  },
  {
    name: "an event reaches the registered waits it matches, once; its id makes it idempotent; it starts the runs given",
    async run(store) {
      for (const id of ["a", "b"]) await store.createRun(suiteRun(id), 1);
      const claimed = (await store.claimRuns({ owner: "w1", now: 2, leaseMs: 60_000, limit: 10, workflows: ["w@1"] }))
        .runs;
      for (const [i, run] of claimed.entries()) {
        await store.appendHistory(run.lease, {
          kind: "full",
          events: [{ seq: 2, type: "event.waiting", at: 3, position: 0, name: "paid", match: { order: i } }],
          eventWaits: [{ position: 0, name: "paid", match: { order: i } }],
          status: "waiting",
          now: 3,
        });
      }
      const byId = new Map(claimed.map((run, i) => [i, run.run.id]));
      const sent = await store.sendEvent(
        { id: "e1", name: "paid", payload: { order: 1, total: 5 }, runs: [suiteRun("started-by-e1")] },
        10,
      );
      assert.equal(sent.created, true);
      assert.deepEqual(sent.event.delivered, [byId.get(1)]);
      assert.deepEqual(sent.event.started, ["started-by-e1"]);
      assert.equal((await store.getRun("started-by-e1"))?.status, "pending");
      const reached = await store.readInbox(byId.get(1) as string);
      assert.deepEqual(reached.eventWaits[0]?.received, { eventId: "e1", payload: { order: 1, total: 5 }, at: 10 });
      const missed = await store.readInbox(byId.get(0) as string);
      assert.equal(missed.eventWaits[0]?.received, undefined, "its match is not met");
      const again = await store.sendEvent({ id: "e1", name: "paid", payload: { order: 0 }, runs: [] }, 11);
      assert.equal(again.created, false);
      assert.deepEqual(again.event.payload, { order: 1, total: 5 }, "the event as first sent");
      assert.equal((await store.readInbox(byId.get(0) as string)).eventWaits[0]?.received, undefined);
      const second = await store.sendEvent({ id: "e2", name: "paid", payload: { order: 1 }, runs: [] }, 12);
      assert.deepEqual(second.event.delivered, [], "a wait takes one event only");
      const lease = claimed[0]?.lease;
      assert.ok(lease);
      assert.equal(await store.closeEventWait(lease, 0), undefined, "closed before any event reached it");
      const late = await store.sendEvent({ id: "e3", name: "paid", payload: { order: 0 }, runs: [] }, 13);
      assert.deepEqual(late.event.delivered, [], "a closed wait takes no event");
      await assert.rejects(store.closeEventWait({ ...lease, token: lease.token + 1 }, 0), { code: "LEASE_LOST" });
    },
  },
];
