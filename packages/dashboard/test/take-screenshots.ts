/**
 * Saves a screenshot of each view of the dashboard to docs/screenshots/
 * (runs, run detail, waiting, workflows, schedules, inbox, a human task),
 * with runs of the example workflows: orders approved (one after a failed
 * charge attempt), waiting and rejected, sign-ups in parallel (one
 * compensated), a research run with parallel child runs and a scope
 * change, a failed invoice, and expenses waiting for a person's approval.
 *
 * Usage: npm run screenshots -w @baton/dashboard
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineWorkflow, type Engine } from "baton";
import { createResearchServices, defineResearchWorkflows } from "../../../examples/research.js";
import { createSignupServices, defineSignupWorkflows } from "../../../examples/signup.js";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, orderInput } from "./support/dashboard-workflows.js";
import { launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { operatorToken, startDashboard } from "./support/start-dashboard.js";

const outDir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

async function startShowcaseRuns(engine: Engine, failCharge: () => void, failRegion: (region: string) => void) {
  failCharge();
  const approved = await engine.startRun("order", orderInput("A-1001", 48), { id: "order-A-1001" });
  await engine.startRun("order", orderInput("A-1002", 19), { id: "order-A-1002" });
  const rejected = await engine.startRun("order", orderInput("A-1003", 112), { id: "order-A-1003" });
  failRegion("mars-1");
  await engine.startRun(
    "signup",
    { account: "acme", email: "ops@acme.test", plan: "team", region: "eu-west-1" },
    { id: "signup-acme" },
  );
  await engine.startRun(
    "signup",
    { account: "globex", email: "it@globex.test", plan: "enterprise", region: "mars-1" },
    { id: "signup-globex" },
  );
  const research = await engine.startRun(
    "research",
    { question: "How large is the heat-pump market?", regions: ["EU", "US"] },
    { id: "research-heat-pumps" },
  );
  await engine.startRun("invoice", { invoice: "INV-2041", amount: 120 }, { id: "invoice-INV-2041" });
  await engine.startRun("intake", { ticket: "T-881" }, { id: "intake-T-881" });
  await engine.startRun("sleeper", {}, { id: "nightly-cleanup" });
  await statusOf(engine, approved.id, "waiting", 20_000);
  await engine.signal(approved.id, "approve", true);
  await statusOf(engine, rejected.id, "waiting", 20_000);
  await engine.signal(rejected.id, "approve", false);
  await engine.signal(research.id, "scope", { regions: ["EU", "US", "APAC"] });
  await statusOf(engine, approved.id, "completed", 30_000);
  await statusOf(engine, rejected.id, "compensated", 30_000);
  await statusOf(engine, research.id, "completed", 30_000);
}

/** Asks finance to approve an expense, with a form. */
const expense = defineWorkflow("expense", async (ctx, input: { id: string; amount: number; by: string }) => {
  const receipt = await ctx.step("load-receipt", () => ({ id: input.id, pages: 1 }));
  const answer = await ctx.humanTask("approve-expense", {
    title: `Approve expense ${input.id} (${input.amount} EUR)`,
    description: `Submitted by ${input.by}.\nCheck the receipt against the travel policy before approving.`,
    form: {
      type: "object",
      description: "Amounts over 500 EUR need a note.",
      properties: {
        approved: { type: "boolean", title: "Approve the expense" },
        amount: { type: "number", title: "Amount refunded (EUR)", minimum: 0, maximum: 5000, default: input.amount },
        category: { type: "string", title: "Category", enum: ["travel", "meals", "lodging", "other"] },
        tags: { type: "array", title: "Tags", items: { enum: ["client visit", "conference", "urgent"] } },
        spentOn: { type: "string", format: "date", title: "Spent on" },
        note: { type: "string", maxLength: 1000, title: "Note for the accountant" },
      },
      required: ["approved", "amount", "category"],
    },
    assignee: "ada",
    role: "finance",
    context: { receipt, submittedBy: input.by, lines: [{ item: "train Paris-Lyon", eur: input.amount }] },
    timeout: "3d",
    reminder: input.amount > 400 ? "1s" : "1d",
  });
  return ctx.step("book", () => ({ booked: answer?.outcome === "completed" }));
});

const base = createDashboardWorkflows({ latencyMs: 120, shipAfter: "1s" });
const signup = createSignupServices({ latencyMs: 150 });
const research = createResearchServices({ latencyMs: 150 });
await using server = await startDashboard([
  ...base.workflows.filter((workflow) => workflow.name !== "xss" && workflow.name !== "long"),
  ...defineSignupWorkflows(signup).workflows,
  ...defineResearchWorkflows(research).workflows,
  expense,
]);
await startShowcaseRuns(
  server.engine,
  () => base.orderServices.payments.failNext("charge", 1, { message: "gateway timeout" }),
  (region) => signup.provisioning.failRegion(region),
);
await statusOf(server.engine, "invoice-INV-2041", "failed", 20_000);
await server.engine.schedules.create({
  id: "nightly-invoices",
  workflow: "invoice",
  cron: "30 2 * * 1-5",
  timezone: "Europe/Paris",
  input: { invoice: "INV-NIGHTLY", amount: 0 },
});
await server.engine.schedules.create({ id: "hourly-sweep", workflow: "sleeper", every: "1h", overlap: "buffer-one" });
await server.engine.schedules.create({
  id: "tokyo-intake",
  workflow: "intake",
  cron: "0 9 * * *",
  timezone: "Asia/Tokyo",
  input: { ticket: "T-DAILY" },
  paused: true,
});
await server.engine.schedules.trigger("hourly-sweep");
for (const [id, amount, by] of [
  ["EX-311", 86, "grace"],
  ["EX-312", 640, "linus"],
  ["EX-313", 42, "grace"],
] as const) {
  await server.engine.startRun(expense, { id, amount, by }, { id: `expense-${id}` });
  await eventually(async () => (await server.engine.humanTasks.list({ runId: `expense-${id}` })).humanTasks[0]);
}

mkdirSync(outDir, { recursive: true });
const browser = await launchBrowser();
try {
  const shots: [string, string, (page: import("playwright-core").Page) => Promise<void>][] = [
    ["runs", "#/runs", (page) => page.getByRole("link", { name: "order-A-1001", exact: true }).waitFor()],
    ["run-detail", "#/runs/order-A-1001", (page) => page.locator(".react-flow__node").first().waitFor()],
    [
      "run-approval",
      "#/runs/order-A-1002",
      (page) => page.getByRole("button", { name: "Approve", exact: true }).waitFor(),
    ],
    ["run-compensated", "#/runs/order-A-1003", (page) => page.locator(".react-flow__node").first().waitFor()],
    ["run-parallel", "#/runs/research-heat-pumps", (page) => page.locator(".react-flow__node").first().waitFor()],
    ["waiting", "#/waiting", (page) => page.getByRole("button", { name: "Approve" }).first().waitFor()],
    ["workflows", "#/workflows", (page) => page.getByText("recent failures", { exact: false }).first().waitFor()],
    ["schedules", "#/schedules", (page) => page.locator(".schedule-runs a").first().waitFor()],
    ["inbox", "#/inbox", (page) => page.locator(".tag-overdue").first().waitFor()],
    ["human-task", "#/inbox/expense-EX-311%3A1", (page) => page.getByLabel("Amount refunded (EUR)").waitFor()],
  ];
  for (const [name, route, ready] of shots) {
    const dashboard = await openDashboard(browser, `${server.url}/${route}`, {
      token: operatorToken,
      viewport: {
        width: 1440,
        height: name === "human-task" ? 1300 : name.startsWith("run-") && name !== "run-approval" ? 1500 : 1000,
      },
    });
    await ready(dashboard.page);
    await dashboard.page.waitForTimeout(600);
    await dashboard.page.screenshot({ path: `${outDir}${name}.png` });
    await dashboard.close();
    console.log(`docs/screenshots/${name}.png`);
  }
} finally {
  await browser.close();
}
