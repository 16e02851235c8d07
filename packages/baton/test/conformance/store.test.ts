import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "baton";
import { newRun, tempStore } from "../helpers.js";

test("createRun answers the run as the store holds it, with or without a lease, and the first one when the id exists", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  const plain = await store.createRun(newRun("plain"), 5);
  assert.equal(plain.created, true);
  assert.deepEqual(plain.run, await store.getRun("plain"));
  const leased = await store.createRun(
    { ...newRun("leased"), parentId: "plain", timeoutMs: 60_000, lease: { owner: "w1", expiresAt: 9_000 } },
    7,
  );
  assert.deepEqual(leased.run, await store.getRun("leased"));
  assert.equal(leased.run.status, "running");
  assert.equal(leased.run.leaseOwner, "w1");
  assert.equal(leased.run.deadlineAt, 60_007);
  const again = await store.createRun({ ...newRun("plain"), input: { other: true } }, 9);
  assert.equal(again.created, false);
  assert.deepEqual(again.run, plain.run, "the existing run, unchanged");
  await store.close();
});

test("claims skip runs under a live lease and take over expired ones with a new token", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  await store.createRun(newRun("r"), 1);
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
  await store.close();
});

test("a worker re-claims a run it holds but lost track of, and renewal names what it holds", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  await store.createRun(newRun("mine"), 1);
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
  await store.close();
});

test("a claim reports the next timer of a waiting run that no worker holds", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  await store.createRun(newRun("sleeper"), 1);
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
  await store.close();
});

test("signals to a run poke it; the holder sees them in its inbox and in pokedRuns", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  await store.createRun(newRun("s"), 1);
  const [claimed] = (await store.claimRuns({ owner: "w1", now: 2, leaseMs: 1000, limit: 1, workflows: ["w@1"] })).runs;
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
    events: [{ seq: 2, type: "signal.received", at: 5, name: "go", payload: { n: 1 }, signalId: inbox.signals[0]?.id }],
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
  await store.close();
});

test("progress of many runs written at once: each commits or is refused on its own lease", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  for (const id of ["g1", "g2", "g3", "g4"]) await store.createRun(newRun(id), 1);
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
  await store.close();
});

test("last writes of many runs at once: each ends or is refused on its own lease, and a parent still running is poked", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  await store.createRun(newRun("s"), 1); // the oldest: the one another worker takes over
  for (const id of ["p1", "p2", "e1"]) await store.createRun(newRun(id), 2);
  await store.createRun({ ...newRun("c1"), parentId: "p1" }, 2);
  await store.createRun({ ...newRun("c2"), parentId: "p2" }, 2);
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
        kind: "end",
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
  await store.close();
});

test("signals sent at once: each reaches its run in the order sent, or is refused for a missing or finished run", async () => {
  const store = openStore(tempStore());
  await store.migrate();
  for (const id of ["a", "b", "done"]) await store.createRun(newRun(id), 1);
  const claimed = (await store.claimRuns({ owner: "w", now: 2, leaseMs: 1000, limit: 10, workflows: ["w@1"] })).runs;
  const done = claimed.find((run) => run.run.id === "done");
  assert.ok(done);
  await store.appendHistory(done.lease, {
    kind: "end",
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
  await store.close();
});
