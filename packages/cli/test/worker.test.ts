import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { createEngine, type Workflow } from "baton";
import { createProject as project } from "./project.js";
import { spawnBaton } from "./run-baton.js";

const workflowsModule = `
import { defineWorkflow, RetryableError } from "baton";

export const greet = defineWorkflow("greet", async (ctx, name: string) => ctx.step("compose", () => \`Hello, \${name}\`));

// Completes quickly only when the worker sees the module's RetryableError as
// the one it knows (one copy of "baton"): otherwise the retry waits an hour.
export const flaky = defineWorkflow(
  "flaky",
  async (ctx) =>
    ctx.step(
      "call",
      ({ attempt }) => {
        if (attempt === 1) throw new RetryableError("not yet", { retryAfter: 0 });
        return attempt;
      },
      { retry: { maxAttempts: 2, initialInterval: "1h" } },
    ),
  { version: "2" },
);

export const notAWorkflow = { name: "x", version: "1" };
`;

test("worker runs the workflows a TypeScript module exports and stops on SIGTERM", async () => {
  const dir = project({ "flows.ts": workflowsModule });
  const store = `sqlite:${join(dir, "b.db")}`;
  const worker = spawnBaton(["worker", "flows.ts", "--store", store, "--poll-interval", "50ms"], { cwd: dir });
  try {
    const ready = await worker.waitForLine(/^worker .* running /);
    assert.match(ready, /^worker \S+:\d+:\S+ running flaky@2, greet@1 on /);
    assert.ok(ready.endsWith(` on ${store}`), ready);

    const { flaky, greet } = (await import(pathToFileURL(join(dir, "flows.ts")).href)) as Record<string, Workflow>;
    await using client = createEngine({ store, workflows: [greet as Workflow, flaky as Workflow], pollInterval: 50 });
    const greeting = await client.startRun(greet as Workflow<string, string>, "Ada");
    assert.equal(await greeting.result(), "Hello, Ada");
    const retried = await client.startRun(flaky as Workflow, undefined);
    assert.equal(await retried.result(), 2);
  } finally {
    worker.child.kill("SIGTERM");
  }
  const result = await worker.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /SIGTERM: stopping the worker\nworker stopped\n$/);
});

test("worker takes a default export array, and stops on SIGINT", async () => {
  const dir = project({
    "flows.mjs": `import { defineWorkflow } from "baton";
const one = defineWorkflow("one", async () => 1);
export const two = defineWorkflow("two", async () => 2);
export default [one];
`,
  });
  const store = `sqlite:${join(dir, "b.db")}`;
  const worker = spawnBaton(["worker", "flows.mjs", "--store", store, "--worker-id", "w-1"], { cwd: dir });
  try {
    assert.equal(await worker.waitForLine(/^worker .* running /), `worker w-1 running one@1 on ${store}`);
  } finally {
    worker.child.kill("SIGINT");
  }
  const result = await worker.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /SIGINT: stopping the worker\nworker stopped\n$/);
});

test("a module exporting no workflows exits 1 naming the file", async () => {
  const dir = project({ "empty.ts": "export const answer: number = 42;\n" });
  const result = await spawnBaton(["worker", "empty.ts", "--store", `sqlite:${join(dir, "b.db")}`], { cwd: dir })
    .exited;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: empty\.ts exports no workflows/);
});

test("a missing module and a bad store exit 1 with the file or the address named", async () => {
  const dir = project({ "flows.ts": workflowsModule });
  const missing = await spawnBaton(["worker", "nowhere.ts"], { cwd: dir }).exited;
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: module not found: nowhere\.ts/);

  const badStore = await spawnBaton(["worker", "flows.ts", "--store", "redis://u:s3cret-pw@cache/0"], { cwd: dir })
    .exited;
  assert.equal(badStore.code, 1);
  assert.ok(badStore.stderr.includes("redis://u:***@cache/0"), badStore.stderr);
  assert.ok(!badStore.stderr.includes("s3cret"), badStore.stderr);
});
