/**
 * Flow control, part 1: queues with concurrency limits (global and per key),
 * held across workers, and waiting runs that give their slot up (or keep it).
 * Bodies count themselves in a ledger shared by every engine of the test.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow, type Engine, openStore } from "baton";
import { eventually, startEngine, statusOf, tempStore, testStoreKind, wrapStore } from "../helpers.js";

/** Bodies running now and the most seen at once, overall and by key; gates opened by the test. */
function createLedger() {
  const running = new Map<string, number>();
  const most = new Map<string, number>();
  const gates = new Map<string, () => void>();
  let order: string[] = [];
  return {
    running,
    most,
    get order() {
      return order;
    },
    reset() {
      order = [];
    },
    /** A body of run `id` (key `key`) that holds until `open(id)`. */
    async hold(id: string, key = "all"): Promise<string> {
      order.push(id);
      for (const k of new Set(["all", key])) {
        running.set(k, (running.get(k) ?? 0) + 1);
        most.set(k, Math.max(most.get(k) ?? 0, running.get(k) ?? 0));
      }
      await new Promise<void>((resolve) => gates.set(id, resolve));
      for (const k of new Set(["all", key])) running.set(k, (running.get(k) ?? 0) - 1);
      return id;
    },
    held: () => [...gates.keys()],
    open(id: string) {
      const gate = gates.get(id);
      gates.delete(id);
      gate?.();
    },
  };
}

test("a queue's concurrency holds across four workers: never more bodies at once than its limit", async () => {
  const ledger = createLedger();
  const job = defineWorkflow("limited-job", async (ctx, n: number) => ctx.step("work", () => ledger.hold(`j-${n}`)), {
    queue: "limited",
  });
  const store = tempStore();
  const queues = { limited: { concurrency: 3 } };
  const engines: Engine[] = [];
  try {
    for (let i = 0; i < 4; i++) engines.push(await startEngine([job], { store, queues, workerId: `w${i}` }));
    const [first] = engines as [Engine];
    const runs = await Promise.all(Array.from({ length: 12 }, (_, n) => first.startRun(job, n, { id: `j-${n}` })));
    for (let done = 0; done < 12; ) {
      await eventually(() => ledger.held().length === Math.min(3, 12 - done));
      assert.ok((ledger.running.get("all") ?? 0) <= 3);
      const queue = (await first.listQueues()).find((q) => q.name === "limited");
      assert.equal(queue?.running, Math.min(3, 12 - done), "the store counts the runs holding a slot");
      assert.equal(queue?.pending, 12 - done - Math.min(3, 12 - done));
      for (const id of ledger.held()) ledger.open(id);
      done += Math.min(3, 12 - done);
    }
    assert.deepEqual((await Promise.all(runs.map((run) => run.result()))).sort(), runs.map((r) => r.id).sort());
    assert.equal(ledger.most.get("all"), 3);
  } finally {
    for (const engine of engines) await engine[Symbol.asyncDispose]();
  }
});

test("perKey: one run per key at a time, other keys go on", async () => {
  const ledger = createLedger();
  const job = defineWorkflow("keyed-job", async (ctx, input: { id: string; customer: string }) =>
    ctx.step("work", () => ledger.hold(input.id, input.customer)),
  );
  await using engine = await startEngine([job], { queues: { keyed: { perKey: 1 } } });
  const start = (id: string, customer: string) =>
    engine.startRun(job, { id, customer }, { id, queue: "keyed", concurrencyKey: customer });
  const a1 = await start("a1", "acme");
  const a2 = await start("a2", "acme");
  const b1 = await start("b1", "globex");
  await eventually(() => ledger.held().length === 2);
  assert.deepEqual(ledger.held().sort(), ["a1", "b1"]);
  const pending = await engine.getRun(a2.id);
  assert.equal(pending.status, "pending");
  assert.equal(pending.queue, "keyed");
  assert.equal(pending.concurrencyKey, "acme");
  ledger.open("b1");
  await b1.result();
  assert.equal((await engine.getRun(a2.id)).status, "pending", "another key's end does not free acme's slot");
  ledger.open("a1");
  await a1.result();
  await eventually(() => ledger.held().includes("a2"));
  ledger.open("a2");
  await a2.result();
  assert.equal(ledger.most.get("acme"), 1);
});

const approval = defineWorkflow(
  "slot-approval",
  async (ctx) => {
    await ctx.step("before", () => 1);
    return ctx.waitForSignal<string>("go");
  },
  { queue: "one" },
);
const quick = defineWorkflow("slot-quick", async (ctx) => ctx.step("work", () => "done"), { queue: "one" });

test("a run waiting for a signal gives its slot up, and takes one again when the signal comes", async () => {
  await using engine = await startEngine([approval, quick], { queues: { one: { concurrency: 1 } } });
  const waiting = await engine.startRun(approval, {});
  await statusOf(engine, waiting.id, "waiting");
  const other = await engine.startRun(quick, {});
  assert.equal(await other.result(), "done", "the slot was free while the first run waited");
  await engine.signal(waiting.id, "go", "yes");
  assert.equal(await waiting.result(), "yes");
  const [queue] = await engine.listQueues();
  assert.deepEqual([queue?.running, queue?.pending], [0, 0]);
});

test("a worker that stops while a finish hands its slot on lets the run it got go, for any worker to complete", async () => {
  const job = defineWorkflow("handed-job", async (ctx, n: number) => ctx.step("work", () => n), { queue: "one" });
  const address = tempStore();
  const inner = openStore(address);
  const queues = { one: { concurrency: 1 } };
  let engine: Engine | undefined;
  let stopping: Promise<void> | undefined;
  let handedOn = 0;
  // The store as the worker sees it: the engine stops as soon as a finish that hands its slot on is sent.
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      const written = inner.appendHistory(lease, write);
      if (write.kind === "finish" && write.handoff && !stopping) stopping = engine?.stop();
      const result = await written;
      handedOn += result?.handedOff?.runs.length ?? 0;
      return result;
    },
  });
  engine = await startEngine([job], { store, queues, start: false });
  try {
    await engine.startRun(job, 1, { id: "first" });
    await engine.startRun(job, 2, { id: "second" });
    await engine.start();
    await eventually(() => stopping !== undefined);
    await stopping;
    assert.equal((await inner.getRun("first"))?.status, "completed");
    // PostgreSQL handed the slot on to "second", SQLite left it to claims: either way nothing holds it now.
    assert.equal(handedOn, testStoreKind === "postgres" ? 1 : 0);
    assert.equal((await inner.getRun("second"))?.leaseOwner, undefined, "the stopped worker holds no run");
    await using next = await startEngine([job], { store: address, queues });
    assert.equal(await next.handle<number>("second").result(), 2);
  } finally {
    await engine[Symbol.asyncDispose]();
    await inner.close();
  }
});

test("a run of a limited queue let go mid-way by a stopping worker is taken up by the next one", async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const twoSteps = defineWorkflow(
    "two-steps-queued",
    async (ctx) => {
      await ctx.step("first", () => gate.then(() => 1));
      return ctx.step("second", () => 2);
    },
    { queue: "one" },
  );
  const address = tempStore();
  const queues = { one: { concurrency: 1 } };
  const engine = await startEngine([twoSteps], { store: address, queues });
  try {
    const run = await engine.startRun(twoSteps, {}, { id: "mid-way" });
    await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "step.started"));
    const stopped = engine.stop(); // lets the step in flight end, starts no other, lets the run go
    open();
    await stopped;
    const left = await engine.store.getRun("mid-way");
    assert.equal(left?.leaseOwner, undefined);
    assert.equal(left?.status, "running", "it had started: let go as it was");
    const [queue] = await engine.listQueues();
    assert.equal(queue?.running, 0, "a run no worker holds holds no slot");
  } finally {
    await engine[Symbol.asyncDispose]();
  }
  await using next = await startEngine([twoSteps], { store: address, queues });
  assert.equal(await next.handle<number>("mid-way").result(), 2);
});

test("holdWhileWaiting: a waiting run keeps its slot", async () => {
  await using engine = await startEngine([approval, quick], {
    queues: { one: { concurrency: 1, holdWhileWaiting: true } },
  });
  const waiting = await engine.startRun(approval, {});
  await statusOf(engine, waiting.id, "waiting");
  const other = await engine.startRun(quick, {});
  const [queue] = await engine.listQueues();
  assert.deepEqual([queue?.running, queue?.pending], [1, 1], "the waiting run holds the only slot");
  assert.equal((await engine.getRun(other.id)).status, "pending");
  await engine.signal(waiting.id, "go", "yes");
  assert.equal(await waiting.result(), "yes");
  assert.equal(await other.result(), "done");
});

test("priority: higher first, then oldest first, in a queue and in the default queue", async () => {
  const ledger = createLedger();
  const job = defineWorkflow("prio-job", async (ctx, id: string) => ctx.step("work", () => ledger.hold(id)));
  const store = tempStore();
  // Started before any worker runs, so that the claims choose among all of them.
  const idle = createEngine({ store, workflows: [job], queues: { serial: { concurrency: 1 } } });
  try {
    for (const [id, priority] of [
      ["low", -1],
      ["old", 0],
      ["urgent", 10],
      ["new", 0],
      ["high", 5],
    ] as const) {
      await idle.startRun(job, id, { id, queue: "serial", priority });
    }
    assert.equal((await idle.getRun("urgent")).priority, 10);
    await using engine = await startEngine([job], { store, queues: { serial: { concurrency: 1 } } });
    for (let i = 0; i < 5; i++) {
      await eventually(() => ledger.held().length === 1);
      ledger.open(ledger.held()[0] as string);
    }
    assert.deepEqual(ledger.order, ["urgent", "high", "old", "new", "low"]);
    await eventually(async () => (await engine.listRuns({ status: ["completed"] })).runs.length === 5);
  } finally {
    await idle[Symbol.asyncDispose]();
  }
});

test("bad flow options are refused with a clear error, and nothing is stored", async () => {
  const job = defineWorkflow("bad-flow", async () => 1);
  await using engine = await startEngine([job], { queues: { known: { concurrency: 1 } } });
  await assert.rejects(engine.startRun(job, {}, { queue: "nope" }), {
    code: "UNKNOWN_QUEUE",
    message: /unknown queue "nope" \(declared here: known/,
  });
  await assert.rejects(engine.startRun(job, {}, { priority: 1.5 }), { code: "INVALID_START_OPTIONS", message: /1\.5/ });
  await assert.rejects(engine.startRun(job, {}, { concurrencyKey: "" }), { code: "INVALID_START_OPTIONS" });
  await assert.rejects(engine.startRun(job, {}, { delay: "soon" }), {
    code: "INVALID_START_OPTIONS",
    message: /delay is not a duration: "soon"/,
  });
  await assert.rejects(engine.startRun(job, {}, { delay: 5_414_667_839_078_399 }), {
    code: "INVALID_START_OPTIONS",
    message: /100 years at most/,
  });
  await assert.rejects(engine.startRun(job, {}, { delay: "1m", startAt: new Date() }), {
    code: "INVALID_START_OPTIONS",
  });
  await assert.rejects(engine.startRun(job, {}, { id: "x", debounce: { key: "k", period: "1s" } }), {
    code: "INVALID_START_OPTIONS",
    message: /debounce and id are exclusive/,
  });
  assert.deepEqual((await engine.listRuns()).runs, []);
  for (const [queues, message] of [
    [{ q: { concurrency: -1 } }, /queue "q": concurrency must be a positive integer, got -1/],
    [{ q: { perKey: 0 } }, /perKey must be a positive integer, got 0/],
    [{ q: { rateLimit: { limit: 5, period: "often" } } }, /rateLimit.period is not a duration: "often"/],
    [{ default: { concurrency: 2 } }, /the default queue has no limits/],
    [{ "bad name": {} }, /queue "bad name": a queue name is/],
  ] as const) {
    assert.throws(() => createEngine({ store: tempStore(), workflows: [job], queues }), {
      code: "INVALID_QUEUE",
      message,
    });
  }
});

test("two workers declaring different limits for one queue: the one started last wins, and says so", async () => {
  const job = defineWorkflow("mixed-limits", async () => 1, { queue: "mixed" });
  const store = tempStore();
  const warnings: string[] = [];
  await using first = await startEngine([job], { store, queues: { mixed: { concurrency: 2 } }, workerId: "first" });
  await using second = await startEngine([job], {
    store,
    queues: { mixed: { concurrency: 5 } },
    workerId: "second",
    logger: { warn: (message) => warnings.push(message) },
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /queue "mixed": .*"concurrency":5.* replace .*"concurrency":2.* worker "first"/);
  const [queue] = await first.listQueues();
  assert.equal(queue?.concurrency, 5);
  assert.equal(queue?.registeredBy, "second");
  await using third = await startEngine([job], { store, queues: { mixed: { concurrency: 5 } }, workerId: "third" });
  assert.equal(warnings.length, 1, "the same limits again: nothing to report");
  assert.equal((await third.listQueues())[0]?.registeredBy, "third");
  void second;
});
