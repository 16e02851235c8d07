import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, openStore, type Store } from "baton";
import { eventually, startEngine, tempStore } from "../helpers.js";

/** `inner` as a worker sees it, with `appendHistory` (and optionally more) replaced. */
function wrapStore(inner: Store, overrides: Partial<Store>): Store {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

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
        await new Promise((resolve) => setTimeout(resolve, 150));
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
  // (On PostgreSQL "first" started in a write of its own, before its body.)
  assert.match(log[0] ?? "", /^write begins: (step\.started:first, )?step\.completed:first, step\.started:second$/);
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

test("a run created for a worker that stopped meanwhile is taken back when it starts again", async () => {
  const inner = openStore(tempStore());
  let stopFirst: (() => Promise<void>) | undefined;
  const store = wrapStore(inner, {
    async createRun(run, now) {
      await stopFirst?.();
      return inner.createRun(run, now);
    },
  });
  const wf = defineWorkflow("stopped-meanwhile", async (ctx) => ctx.step("one", () => "done"));
  const engine = await startEngine([wf], { store });
  stopFirst = () => engine.stop();
  const run = await engine.startRun(wf, {});
  stopFirst = undefined;
  const record = await inner.getRun(run.id);
  assert.equal(record?.leaseOwner, engine.workerId, "created under this worker's lease");
  await engine.start();
  assert.equal(await run.result(), "done");
  await eventually(async () => (await inner.getRun(run.id))?.leaseOwner === undefined);
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
