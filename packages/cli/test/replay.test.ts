import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createProject } from "./project.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

const deployed = `
import { defineWorkflow } from "baton";
export const shop = defineWorkflow("shop", async (ctx) => {
  await ctx.step("reserve", () => "r");
  await ctx.step("charge", () => "c");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
`;

const candidate = `
import { defineWorkflow } from "baton";
export const shop = defineWorkflow("shop", async (ctx) => {
  await ctx.step("charge", () => "c");
  await ctx.step("reserve", () => "r");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
`;

const safe = `
import { defineWorkflow } from "baton";
export const shop = defineWorkflow("shop", async (ctx) => {
  await ctx.step("reserve", () => "r");
  if (ctx.patched("fraud")) await ctx.step("fraud", () => "ok");
  await ctx.step("charge", () => "c");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
`;

test("replay --check reports the open runs new code would not follow, and exits 1; a safe change exits 0", async () => {
  const dir = createProject({ "deployed.ts": deployed, "candidate.ts": candidate, "safe.ts": safe });
  const store = `sqlite:${join(dir, "b.db")}`;
  const { server, url } = await startServe(["deployed.ts", "--store", store], { cwd: dir });
  try {
    const started = await runBaton(["runs", "start", "shop", "--id", "open-1", "--url", url], { cwd: dir });
    assert.equal(started.code, 0, started.stderr);
    let run = JSON.parse((await runBaton(["runs", "show", "open-1", "--json", "--url", url], { cwd: dir })).stdout);
    for (let i = 0; i < 100 && run.status !== "waiting"; i++) {
      run = JSON.parse((await runBaton(["runs", "show", "open-1", "--json", "--url", url], { cwd: dir })).stdout);
    }
    const broken = await runBaton(["replay", "--check", "--workflows", "candidate.ts", "--url", url], { cwd: dir });
    assert.equal(broken.code, 1, broken.stderr);
    assert.match(
      broken.stdout,
      /^diverges open-1 \(shop@1\) at position 0: .*its history has step "reserve", but the workflow called step "charge"/m,
    );
    assert.match(broken.stdout, /^checked 1 runs: 1 would diverge$/m);
    const fine = await runBaton(["replay", "--check", "--workflows", "safe.ts", "--store", store], { cwd: dir });
    assert.equal(fine.code, 0, fine.stderr);
    assert.match(fine.stdout, /^checked 1 runs: none diverges$/m);
    const workers = await runBaton(["workers", "--url", url], { cwd: dir });
    assert.equal(workers.code, 0, workers.stderr);
    assert.match(workers.stdout, /^WORKER\s+SEEN\s+UP\s+WORKFLOWS$/m);
    assert.match(workers.stdout, /\bshop@1$/m);
    assert.doesNotMatch(workers.stdout, /no worker serves/);
    const exported = await runBaton(["runs", "export", "open-1", "--out", "open-1.json", "--url", url], { cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^wrote \d+ events of run open-1 to open-1\.json$/m);
    const events = JSON.parse(readFileSync(join(dir, "open-1.json"), "utf8")) as { type: string }[];
    assert.deepEqual(
      events.slice(0, 2).map((e) => e.type),
      ["run.started", "step.started"],
    );
  } finally {
    await server.stop();
  }
});
