/**
 * The `npm start` demo: an engine on the embedded SQLite store
 * (.baton/baton.db under the working directory) runs the example workflows
 * and a few demo runs, printing their history as it happens:
 *
 * - an order that is approved (its first charge attempt fails and is retried);
 * - an order that is rejected, so the charge is refunded and the stock released;
 * - a sign-up whose provisioning fails, so billing is paused;
 * - a research run whose scope changes while its branches work.
 *
 * The dashboard and the HTTP API serve the same engine on
 * http://127.0.0.1:7700 (`BATON_PORT` picks another port; 0 a free one).
 * After a summary the engine keeps running until SIGINT or SIGTERM. With
 * `--once` it exits after the summary (status 1 when a demo did not end as
 * expected).
 *
 * Usage: npm start [-- --once]
 */
import { resolve } from "node:path";
import { dashboardDir, isDashboardBuilt } from "@baton/dashboard";
import { type RunningServer, startServer } from "@baton/server";
import {
  BatonError,
  createEngine,
  type Engine,
  type HistoryEvent,
  isFinished,
  type RunHandle,
  type RunStatus,
} from "baton";
import { describeEvent, seconds } from "./describe-event.js";
import { createOrderServices, defineOrderWorkflows, type OrderInput, type OrderOutput } from "./order.js";
import { createResearchServices, defineResearchWorkflows, type ResearchOutput, type ScopeChange } from "./research.js";
import type { CallLog } from "./services.js";
import { createSignupServices, defineSignupWorkflows } from "./signup.js";

const once = process.argv.includes("--once");
const launchedAt = Date.now();
/** Ends the ids of this launch's runs, so a second launch on the same database starts new ones. */
const suffix = launchedAt.toString(36);
/** Put into the ids the fake services hand out, so they differ from an earlier launch's. */
const idScope = suffix.slice(-4);

// ---- services and workflows ------------------------------------------------------

const orderServices = createOrderServices({ latencyMs: 150, idScope });
orderServices.payments.failNext("charge", 1, {
  message: "gateway timeout",
  match: (args) => (args as { orderId?: string }).orderId === "A-1001",
});
const orders = defineOrderWorkflows(orderServices, { shipAfter: "2s" });

const signupServices = createSignupServices({ latencyMs: 200, idScope });
signupServices.provisioning.failRegion("mars-1");
const signups = defineSignupWorkflows(signupServices);

const researchServices = createResearchServices({ latencyMs: 500, idScope });
const research = defineResearchWorkflows(researchServices);

const engine = createEngine({ workflows: [...orders.workflows, ...signups.workflows, ...research.workflows] });

// ---- output ----------------------------------------------------------------------

/** Prints new history events of the watched runs, in the order they happened. */
class Progress {
  private readonly printed = new Map<string, number>();
  private readonly labels = new Map<string, string>();
  private readonly width: number;
  private notes: { at: number; line: string }[] = [];

  constructor(
    private readonly engine: Engine,
    runs: { label: string; id: string }[],
  ) {
    for (const run of runs) {
      this.printed.set(run.id, 0);
      this.labels.set(run.id, run.label);
    }
    this.width = Math.max(...runs.map((r) => r.label.length));
  }

  /** A line about something the demo did, printed in time order with the events. */
  note(text: string): void {
    this.notes.push({ at: Date.now(), line: `${"".padEnd(this.width)}  >> ${text}` });
  }

  /** Reads every watched run's history and prints what is new. */
  async poll(): Promise<void> {
    const fresh = this.notes;
    this.notes = [];
    for (const [runId, seen] of this.printed) {
      const history = await this.engine.getHistory(runId);
      for (const event of history) {
        if (event.seq <= seen) continue;
        const text = describeEvent(event);
        if (text)
          fresh.push({ at: event.at.getTime(), line: `${this.labels.get(runId)?.padEnd(this.width)}  ${text}` });
      }
      this.printed.set(runId, history.at(-1)?.seq ?? seen);
    }
    for (const { at, line } of fresh.sort((a, b) => a.at - b.at)) {
      console.log(`${seconds(at - launchedAt).padStart(6)}  ${line}`);
    }
  }
}

/** `service.operation count` of the successful calls of a log, plus failed attempts. */
function callCounts(log: CallLog): string {
  const counts = new Map<string, { ok: number; failed: number }>();
  for (const call of log.calls) {
    const key = `${call.service}.${call.operation}`;
    const entry = counts.get(key) ?? { ok: 0, failed: 0 };
    if (call.ok) entry.ok++;
    else entry.failed++;
    counts.set(key, entry);
  }
  return [...counts.entries()]
    .map(([key, { ok, failed }]) => `${key} ${ok}${failed ? ` (+${failed} failed)` : ""}`)
    .join(", ");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the run's history has an event that passes `match`. */
async function waitFor(runId: string, match: (event: HistoryEvent) => boolean, count = 1): Promise<void> {
  for (;;) {
    const history = await engine.getHistory(runId);
    if (history.filter(match).length >= count) return;
    if (isFinished((await engine.getRun(runId)).status)) return;
    await sleep(50);
  }
}

// ---- the demo ----------------------------------------------------------------------

let stopping = false;
let server: RunningServer | undefined;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await server?.close();
    await engine.stop();
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping the engine`);
    void shutdown(0);
  });
}

await engine.start();
console.log(`Baton demo: engine on ${resolve(".baton/baton.db")}, runs of this launch end in -${suffix}`);
const port = Number(process.env.BATON_PORT ?? 7700);
try {
  server = await startServer({ engine, port, dashboard: isDashboardBuilt() ? dashboardDir : undefined });
} catch (error) {
  const busy = (error as { code?: string }).code === "EADDRINUSE";
  console.error(busy ? `port ${port} is in use: set BATON_PORT to another port (0 picks a free one)` : String(error));
  await shutdown(1);
}
console.log(
  isDashboardBuilt()
    ? `Dashboard on ${server?.url}/ and API on ${server?.url}/api`
    : `API on ${server?.url}/api (no dashboard: it is not built; npm run build -w @baton/dashboard)`,
);
const unfinished = (
  await engine.listRuns({ status: ["pending", "running", "waiting", "compensating"], limit: 1000 })
).runs
  .filter((run) => run.parentId === undefined)
  .map((run) => `${run.id} (${run.status})`);
if (unfinished.length > 0) {
  console.log(`Unfinished runs of an earlier launch resume here: ${unfinished.join(", ")}`);
}
console.log("");

const orderInput = (orderId: string, amount: number): OrderInput => ({
  orderId,
  lines: [
    { sku: "sku-kettle", quantity: 1 },
    { sku: "sku-mug", quantity: 2 },
  ],
  amount,
  card: "4242-4242-4242-4242",
  email: "ada@example.com",
});

interface Demo {
  label: string;
  about: string;
  expected: RunStatus;
  handle: RunHandle;
  /** A line about a completed run's output. */
  summarize?: (output: unknown) => string;
}

const approvedOrder = await engine.startRun(orders.order, orderInput("A-1001", 64), { id: `order-approved-${suffix}` });
const rejectedOrder = await engine.startRun(orders.order, orderInput("A-1002", 120), {
  id: `order-rejected-${suffix}`,
});
const failedSignup = await engine.startRun(
  signups.signup,
  { account: "globex", email: "owner@globex.example", plan: "team", region: "mars-1" },
  { id: `signup-failed-${suffix}` },
);
const researchRun = await engine.startRun(
  research.research,
  { question: "How large is the residential heat-pump market?", regions: ["EU", "US"] },
  { id: `research-${suffix}` },
);

const demos: Demo[] = [
  {
    label: "order-approved",
    about: "reserve, charge (the first attempt fails and is retried), approval, 2s cooling-off, ship + receipt",
    expected: "completed",
    handle: approvedOrder,
    summarize: (output) => {
      const o = output as OrderOutput;
      return `shipped ${o.trackingNumber}, charged ${o.chargeId}, receipt ${o.receiptId}`;
    },
  },
  {
    label: "order-rejected",
    about: "reserve, charge, then the approver says no: refund, then release",
    expected: "compensated",
    handle: rejectedOrder,
  },
  {
    label: "signup-failed",
    about: "provision + bill + welcome in parallel; provisioning fails, so billing is paused",
    expected: "compensated",
    handle: failedSignup,
  },
  {
    label: "research",
    about: "3 sources research EU + US in parallel; the scope becomes EU + APAC mid-run",
    expected: "completed",
    handle: researchRun,
    summarize: (output) => {
      const o = output as ResearchOutput;
      const conflicts = o.consensus.reduce((n, c) => n + c.conflicts.length, 0);
      return `scope ${o.regions.join(", ")} after ${o.scopeChanges} change, ${o.rounds} rounds, ${conflicts} conflicts reconciled`;
    },
  },
];
const labelWidth = Math.max(...demos.map((d) => d.label.length));
for (const demo of demos) console.log(`  ${demo.label.padEnd(labelWidth)}  ${demo.about}`);
console.log("");

const progress = new Progress(
  engine,
  demos.map((d) => ({ label: d.label, id: d.handle.id })),
);
let polling = true;
const printer = (async () => {
  while (polling) {
    await progress.poll();
    await sleep(100);
  }
  await progress.poll();
})();

/** Once `ready` holds for the run, waits `delayMs`, then sends it a signal (unless it has finished). */
async function act(
  runId: string,
  ready: { match: (event: HistoryEvent) => boolean; count?: number },
  delayMs: number,
  signal: { name: string; payload: unknown; note: string },
): Promise<void> {
  await waitFor(runId, ready.match, ready.count);
  await sleep(delayMs);
  progress.note(signal.note);
  try {
    await engine.signal(runId, signal.name, signal.payload);
  } catch (error) {
    if (!(error instanceof BatonError && error.code === "RUN_FINISHED")) throw error;
    progress.note(`(${runId} had already finished)`);
  }
}

// What the people in the demo do: an approver answers both orders, the
// researcher changes the scope once the branches are under way.
const actors = Promise.all([
  act(approvedOrder.id, { match: (e) => e.type === "signal.waiting" }, 800, {
    name: "approve",
    payload: true,
    note: `signal "approve" = true to ${approvedOrder.id}`,
  }),
  act(rejectedOrder.id, { match: (e) => e.type === "signal.waiting" }, 1200, {
    name: "approve",
    payload: false,
    note: `signal "approve" = false to ${rejectedOrder.id}`,
  }),
  act(researchRun.id, { match: (e) => e.type === "child.started", count: 3 }, 200, {
    name: "scope",
    payload: { regions: ["EU", "APAC"] } satisfies ScopeChange,
    note: `signal "scope" = EU, APAC to ${researchRun.id} (drops US, adds APAC)`,
  }),
]);

// The demo runs take about 5 seconds; should one hang, the summary shows it.
const finished = Promise.all([...demos.map((d) => d.handle.result().catch(() => undefined)), actors]);
const patience = new Promise<void>((resolve) => setTimeout(resolve, 45_000).unref());
await Promise.race([finished, patience]);
polling = false;
await printer;

// ---- summary ---------------------------------------------------------------------

/** How a run finished, in a few words. */
async function outcome(demo: Demo): Promise<string> {
  const run = await engine.getRun(demo.handle.id);
  if (run.status === "completed") return demo.summarize?.(run.output) ?? "";
  const undone = (await engine.getHistory(run.id))
    .filter((e) => e.type === "compensation.completed")
    .map((e) => e.name);
  return `${run.error?.message ?? ""}${undone.length ? `; undid ${undone.join(", then ")}` : ""}`;
}

console.log(`\nSummary after ${seconds(Date.now() - launchedAt)}`);
let unexpected = 0;
const idWidth = Math.max(...demos.map((d) => d.handle.id.length));
for (const demo of demos) {
  const run = await engine.getRun(demo.handle.id);
  const ok = run.status === demo.expected;
  if (!ok) unexpected++;
  const mark = ok ? "ok" : `UNEXPECTED (wanted ${demo.expected})`;
  console.log(`  ${mark}  ${demo.handle.id.padEnd(idWidth)}  ${run.status.padEnd(11)}  ${await outcome(demo)}`);
}
const researchOutput = (await researchRun.get()).output as ResearchOutput | undefined;
if (researchOutput) console.log(`\nResearch report\n${researchOutput.report.replace(/^/gm, "  ")}`);
console.log("\nService calls");
console.log(`  order     ${callCounts(orderServices.log)}`);
console.log(`  signup    ${callCounts(signupServices.log)}`);
console.log(`  research  ${callCounts(researchServices.log)}`);

if (once) {
  await shutdown(unexpected === 0 ? 0 : 1);
} else {
  console.log("\nThe engine keeps running; press Ctrl+C to stop.");
}
