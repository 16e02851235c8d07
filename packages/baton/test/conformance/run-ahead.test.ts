import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, openStore, type Store } from "baton";
import { eventually, startEngine, tempStore, wrapStore } from "../helpers.js";

/** Lets `n` turns of the event loop go by (work that is ready runs in them; no time is waited for). */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

const types = (write: Parameters<Store["appendHistory"]>[1]) =>
  write.events.map((event) => `${event.type}${event.name ? `:${event.name}` : ""}`);

test("a step body starts only once the result before it is committed; its start shares that write", async () => {
  const inner = openStore(tempStore());
  const log: string[] = [];
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      const written = types(write);
      if (written.includes("step.completed:first")) {
        log.push(`write begins: ${written.join(", ")}`);
        await turns(50); // a slow write: whatever does not wait for its commit runs meanwhile
        await inner.appendHistory(lease, write);
        log.push("write committed");
        return;
      }
      return inner.appendHistory(lease, write);
    },
  });
  const wf = defineWorkflow("ahead", async (ctx) => {
    const a = await ctx.step("first", () => 1);
    const b = await ctx.step("second", () => {
      log.push("second body");
      return a + 1;
    });
    return b;
  });
  await using engine = await startEngine([wf], { store });
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 2);
  // ("first" started with the run's creation.)
  assert.equal(log[0], "write begins: step.completed:first, step.started:second");
  assert.deepEqual(log.slice(1), ["write committed", "second body"]);
  await inner.close();
});

test("when the write of a result fails, what the code did past it is never seen: the run goes on from what was committed", async () => {
  const address = tempStore();
  const inner = openStore(address);
  const bodies: string[] = [];
  let failed = false;
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      if (!failed && types(write).includes("step.completed:first")) {
        failed = true;
        throw new Error("disk full");
      }
      return inner.appendHistory(lease, write);
    },
  });
  const wf = defineWorkflow("ahead-lost", async (ctx) => {
    const a = await ctx.step("first", () => {
      bodies.push("first");
      return 1;
    });
    const b = await ctx.step("second", () => {
      bodies.push("second");
      return a + 1;
    });
    return b;
  });
  await using engine = await startEngine([wf], { store, lease: "300ms" });
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 2);
  assert.equal(failed, true);
  // "first" ran again (its result was never committed); "second" ran once, after it was.
  assert.deepEqual(bodies, ["first", "first", "second"]);
  const history = (await engine.getHistory(run.id)).map((e) => `${e.type}${e.name ? `:${e.name}` : ""}`);
  assert.equal(history.filter((t) => t === "step.completed:first").length, 1);
  await inner.close();
});

test("a run started where a worker serves its workflow runs there at once, without a claim", async () => {
  const inner = openStore(tempStore());
  const claimed: string[] = [];
  const store = wrapStore(inner, {
    async claimRuns(request) {
      const result = await inner.claimRuns(request);
      claimed.push(...result.runs.map((r) => r.run.id));
      return result;
    },
  });
  const wf = defineWorkflow("local", async (ctx, n: number) => ctx.step("double", () => n * 2));
  await using engine = await startEngine([wf], { store });
  const runs = await Promise.all([1, 2, 3].map((n) => engine.startRun(wf, n)));
  assert.deepEqual(await Promise.all(runs.map((r) => r.result())), [2, 4, 6]);
  assert.deepEqual(claimed, []);
  // An engine whose worker is not started leaves the run to a claim.
  await using client = await startEngine([wf], { store: wrapStore(inner, {}), start: false });
  const waiting = await client.startRun(wf, 5);
  assert.equal(await engine.handle(waiting.id).result(), 10);
  assert.deepEqual(claimed, [waiting.id]);
  await inner.close();
});

test("a run started here is created with its first step's start, and that body runs once the creation is committed", async () => {
  const inner = openStore(tempStore());
  const log: string[] = [];
  const created: string[][] = [];
  const store = wrapStore(inner, {
    async createRun(run, now) {
      created.push(run.history.map((e) => `${e.type}${e.name ? `:${e.name}` : ""}`));
      log.push("creation begins");
      await turns(50); // a slow creation: whatever does not wait for its commit runs meanwhile
      const result = await inner.createRun(run, now);
      log.push("created");
      return result;
    },
  });
  const wf = defineWorkflow("created-with-start", async (ctx) =>
    ctx.step("first", () => {
      log.push("first body");
      return 1;
    }),
  );
  await using engine = await startEngine([wf], { store });
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 1);
  assert.deepEqual(created, [["run.started", "step.started:first"]]);
  assert.deepEqual(log, ["creation begins", "created", "first body"]);
  assert.deepEqual(
    (await inner.getHistory(run.id)).map((e) => e.type),
    ["run.started", "step.started", "step.completed", "run.completed"],
  );
  await inner.close();
});

test("a run whose code waits before its first durable call is created at once, without that call", async () => {
  const inner = openStore(tempStore());
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const wf = defineWorkflow("waits-first", async (ctx) => {
    await gate;
    return ctx.step("first", () => 1);
  });
  await using engine = await startEngine([wf], { store: inner });
  const run = await engine.startRun(wf, {});
  assert.deepEqual(
    (await inner.getHistory(run.id)).map((e) => e.type),
    ["run.started"],
  );
  open();
  assert.equal(await run.result(), 1);
});

test("a creation that fails fails startRun: no body runs and no run is left", async () => {
  const inner = openStore(tempStore());
  let refuse = true;
  const store = wrapStore(inner, {
    async createRun(run, now) {
      if (refuse) throw new Error("the disk is full");
      return inner.createRun(run, now);
    },
  });
  let bodies = 0;
  const wf = defineWorkflow("not-created", async (ctx) =>
    ctx.step("first", () => {
      bodies++;
      return 1;
    }),
  );
  await using engine = await startEngine([wf], { store });
  await assert.rejects(engine.startRun(wf, {}, { id: "not-created-1" }), /the disk is full/);
  assert.equal(bodies, 0); // and still one body only once the run below has finished
  assert.equal(await inner.getRun("not-created-1"), undefined);
  refuse = false;
  const run = await engine.startRun(wf, {}, { id: "not-created-1" });
  assert.equal(run.created, true);
  assert.equal(await run.result(), 1);
  assert.equal(bodies, 1);
});

test("a start whose run a claim takes meanwhile (another start of that id) answers with the run that exists", async () => {
  const inner = openStore(tempStore());
  await inner.migrate();
  let bodies = 0;
  const wf = defineWorkflow("claimed-meanwhile", async (ctx, input: { n: number }) =>
    ctx.step("once", () => {
      bodies++;
      return input.n;
    }),
  );
  // Created by a process whose worker does not run: pending, for any worker to claim.
  await using client = await startEngine([wf], { store: inner, start: false });
  await client.startRun(wf, { n: 1 }, { id: "twice" });
  let startedHere: Promise<unknown> | undefined;
  let offered!: () => void;
  const offering = new Promise<void>((resolve) => {
    offered = resolve;
  });
  let engine!: Awaited<ReturnType<typeof startEngine>>;
  const store = wrapStore(inner, {
    // The store is ready just before the worker offers the start its lease...
    async ready() {
      await inner.ready?.();
      if (startedHere) offered();
    },
    // ...and a claim that took the run comes back in the same turn, before the start's first write.
    async claimRuns(request) {
      const result = await inner.claimRuns(request);
      if (result.runs.some((claimed) => claimed.run.id === "twice") && !startedHere) {
        startedHere = engine.startRun(wf, { n: 1 }, { id: "twice" });
        await offering;
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      return result;
    },
  });
  engine = await startEngine([wf], { store });
  await eventually(async () => startedHere !== undefined);
  const handle = (await startedHere) as Awaited<ReturnType<typeof engine.startRun>>;
  assert.equal(handle.created, false);
  assert.equal(await handle.result(), 1);
  assert.equal(bodies, 1);
  await engine[Symbol.asyncDispose]();
});

test("a worker that stops while a run it starts is being created gives the run up once created, and it runs on when the worker starts again", async () => {
  const inner = openStore(tempStore());
  let stopping: Promise<void> | undefined;
  let stopMeanwhile: (() => void) | undefined;
  const store = wrapStore(inner, {
    async createRun(run, now) {
      stopMeanwhile?.();
      return inner.createRun(run, now);
    },
  });
  const wf = defineWorkflow("stopped-meanwhile", async (ctx) => ctx.step("one", () => "done"));
  const engine = await startEngine([wf], { store });
  stopMeanwhile = () => {
    stopping = engine.stop();
  };
  const run = await engine.startRun(wf, {});
  stopMeanwhile = undefined;
  assert.equal(run.created, true);
  await stopping;
  const record = await inner.getRun(run.id);
  assert.ok(record, "created");
  assert.equal(record.leaseOwner, undefined, "given up by the worker that stopped");
  await engine.start();
  assert.equal(await run.result(), "done");
  await engine[Symbol.asyncDispose]();
  await inner.close();
});

test("a run being created under this worker's lease is not reclaimed by a claim under way", async () => {
  const inner = openStore(tempStore());
  await inner.migrate();
  let created!: () => void;
  const createdNow = new Promise<void>((resolve) => {
    created = resolve;
  });
  let claimed!: () => void;
  const claimSent = new Promise<void>((resolve) => {
    claimed = resolve;
  });
  const reclaimed: string[] = [];
  const store = wrapStore(inner, {
    // The first claim reads what this worker holds just after the run was written...
    async heldRuns(owner) {
      await createdNow;
      return inner.heldRuns(owner);
    },
    async claimRuns(request) {
      reclaimed.push(...(request.reclaim ?? []));
      claimed();
      return inner.claimRuns(request);
    },
    // ...and claims before `startRun` has handed the run to the worker.
    async createRun(run, now) {
      const result = await inner.createRun(run, now);
      created();
      await claimSent;
      return result;
    },
  });
  let bodies = 0;
  const wf = defineWorkflow("adopted", async (ctx) =>
    ctx.step("once", () => {
      bodies++;
      return "done";
    }),
  );
  await using engine = await startEngine([wf], { store });
  const run = await engine.startRun(wf, {}, { id: "adopted-1" });
  assert.equal(await run.result(), "done");
  assert.equal(bodies, 1);
  assert.deepEqual(reclaimed, []);
  const history = await inner.getHistory(run.id);
  assert.deepEqual(
    history.map((e) => e.type),
    ["run.started", "step.started", "step.completed", "run.completed"],
  );
  await inner.close();
});
