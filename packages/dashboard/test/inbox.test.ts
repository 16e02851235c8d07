import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow, type Engine, type HumanTask } from "baton";
import type { Browser, Route } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import {
  type DashboardServer,
  operatorName,
  operatorToken,
  readerName,
  readerToken,
  startDashboard,
} from "./support/start-dashboard.js";

/** The form of an expense's approval: a checkbox, a number, a select, checkboxes of choices, a date, a text area. */
const expenseForm = {
  type: "object",
  properties: {
    approved: { type: "boolean", title: "Approve the expense" },
    amount: { type: "number", title: "Amount (EUR)", minimum: 0, maximum: 5000, description: "What is refunded." },
    category: { type: "string", title: "Category", enum: ["travel", "meals", "other"] },
    tags: { type: "array", title: "Tags", items: { enum: ["urgent", "client"] } },
    spentOn: { type: "string", format: "date", title: "Spent on" },
    note: { type: "string", maxLength: 500, title: "Note" },
  },
  required: ["approved", "amount", "category"],
  additionalProperties: false,
};

/** Asks finance (ada first) to approve an expense, then records the answer. */
const expense = defineWorkflow("expense", async (ctx, input: { id: string; amount: number }) => {
  const answer = await ctx.humanTask("approve-expense", {
    title: `Approve expense ${input.id}`,
    description: "Check the receipt.\nThen decide.",
    form: expenseForm,
    assignee: "ada",
    role: "finance",
    context: { expense: input.id, amount: input.amount },
    timeout: "3d",
    reminder: "1d",
  });
  return ctx.step("record", () => ({ answer }));
});

/** Asks the role `input.role` a yes-or-no question. */
const ask = defineWorkflow("ask", async (ctx, input: { role: string }) =>
  ctx.humanTask("confirm", { title: "Confirm?", role: input.role }),
);

/** The open human task of run `runId`, once created. */
const openTask = (engine: Engine, runId: string): Promise<HumanTask> =>
  eventually(async () => (await engine.humanTasks.list({ runId })).humanTasks[0]);

describe("inbox", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard([expense, ask]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("a person finds a human task in the inbox, is told what its form refuses, and completes it; the run goes on with the answer and who gave it", async () => {
    const { engine } = server;
    await engine.startRun(expense, { id: "E-1", amount: 42.5 }, { id: "exp-1" });
    await openTask(engine, "exp-1");

    const dashboard = await openDashboard(browser, `${server.url}/#/inbox`, { token: operatorToken });
    const { page } = dashboard;
    await page.getByRole("link", { name: "Inbox" }).and(page.locator("[aria-current=page]")).waitFor();
    await page.locator(".whoami .identity", { hasText: operatorName }).waitFor();
    const row = page.getByRole("row", { name: "Human task exp-1:0" });
    await row.getByRole("link", { name: "Approve expense E-1" }).waitFor();
    assert.match(
      await row.innerText(),
      /approve-expense[\s\S]*expense[\s\S]*exp-1 #0[\s\S]*ada[\s\S]*role finance[\s\S]*ago[\s\S]*due in 2 d[\s\S]*reminder in 23 h/,
    );
    assert.equal(await row.getByText("overdue").count(), 0);
    assert.equal(await row.getByRole("link", { name: "exp-1", exact: true }).getAttribute("href"), "#/runs/exp-1");

    // Filters: another role lists nothing; "Mine" lists the human tasks assigned to the caller.
    const filters = page.getByRole("form", { name: "Filters" });
    await filters.getByLabel("Role").fill("sales");
    await page.getByText("No human tasks match.").waitFor();
    assert.match(page.url(), /#\/inbox\?role=sales$/);
    await filters.getByLabel("Role").fill("finance");
    await row.waitFor();
    await filters.getByRole("button", { name: "Mine" }).click();
    await page.waitForURL(/#\/inbox\?assignee=ada&role=finance$/);
    assert.equal(await filters.getByRole("button", { name: "Mine" }).getAttribute("aria-pressed"), "true");
    await row.waitFor();
    await filters.getByLabel("Assignee").fill("grace");
    await page.getByText("No human tasks match.").waitFor();
    await filters.getByRole("button", { name: "Mine" }).click();
    await row.waitFor();

    await row.getByRole("link", { name: "Approve expense E-1" }).click();
    await page.waitForURL("**/#/inbox/exp-1%3A0");
    await page.getByRole("heading", { name: "Approve expense E-1" }).waitFor();
    const description = page.getByRole("region", { name: "Description" });
    assert.equal(await description.locator(".plain-text").innerText(), "Check the receipt.\nThen decide.");
    await page.getByRole("region", { name: "Context" }).getByText('"E-1"').waitFor();
    assert.match(await page.locator(".human-task-header .facts").innerText(), /For\s+ada · role finance/);

    // Invalid data: the API's issues show next to the fields they name, and the human task stays open.
    const form = page.getByRole("form", { name: "Answer the human task" });
    await form.getByLabel("Approve the expense").check();
    await form.getByLabel("Amount (EUR)").fill("-5");
    await form.getByRole("button", { name: "Complete" }).click();
    await form.getByRole("alert").getByText("The form's data was refused").waitFor();
    const amount = form.locator(".form-field[data-key=amount]");
    assert.equal(await amount.locator(".field-issue").innerText(), "must be >= 0");
    assert.equal(await form.getByLabel("Amount (EUR)").getAttribute("aria-invalid"), "true");
    assert.match(await form.locator(".form-field[data-key=category] .field-issue").innerText(), /required/);
    assert.equal(await form.locator(".form-field[data-key=approved] .field-issue").count(), 0);
    assert.equal((await engine.humanTasks.get("exp-1:0"))?.status, "open");

    await form.getByLabel("Amount (EUR)").fill("42.5");
    await form.getByLabel("Category").selectOption({ label: "travel" });
    await form.getByRole("checkbox", { name: "client" }).check();
    await form.getByLabel("Spent on").fill("2026-03-01");
    await form.getByLabel("Comment (optional)").fill("receipt ok");
    await form.getByRole("button", { name: "Complete" }).click();
    await page.getByRole("status").getByText(`Completed as ${operatorName}`).waitFor();
    const answer = page.getByRole("region", { name: "Answer" });
    await answer.getByText("receipt ok").waitFor();
    assert.match(await answer.innerText(), /completed\s+by ada at/);

    await statusOf(engine, "exp-1", "completed");
    const run = await engine.getRun("exp-1");
    assert.ok(run);
    const recorded = (run.output as { answer: Record<string, unknown> }).answer;
    assert.deepEqual(
      { ...recorded, completedAt: typeof recorded.completedAt },
      {
        outcome: "completed",
        data: { approved: true, amount: 42.5, category: "travel", tags: ["client"], spentOn: "2026-03-01" },
        comment: "receipt ok",
        completedBy: operatorName,
        completedAt: "string",
      },
    );

    // The run's page shows the human task call, its answer and who gave it, and links back to the inbox.
    await page.locator(".human-task-header").getByRole("link", { name: "exp-1", exact: true }).click();
    await page.waitForURL("**/#/runs/exp-1");
    await page.locator(".run-header").getByText("completed", { exact: true }).waitFor();
    assert.equal(await page.getByRole("region", { name: "Waiting for a person" }).count(), 0);
    const call = page.getByRole("region", { name: "Steps" }).locator(".step-item", { hasText: "approve-expense" });
    await call.getByText(`completed by ${operatorName}`).waitFor();
    assert.match(await call.locator(".step-summary").innerText(), /human task[\s\S]*Approve expense E-1/);
    await call.locator(".step-summary").click();
    const facts = call.locator(".step-details .facts");
    assert.match(await facts.innerText(), /Human task\s+exp-1:0[\s\S]*For\s+ada · role finance/);
    assert.match(await facts.innerText(), /Answer\s+completed by ada\s+Answered\s+\d{4}-/);
    assert.match(await facts.innerText(), /Comment\s+receipt ok/);
    assert.equal(await call.locator(".step-details > p.plain-text").innerText(), "Check the receipt.\nThen decide.");
    await call.getByText("Context shown to the person").waitFor();
    await page.locator(".react-flow__node.kind-human_task", { hasText: "human task approve-expense" }).waitFor();
    assert.match(await page.locator(".react-flow__node.kind-human_task").innerText(), /completed by ada/);
    assert.equal(await page.locator(".timeline-row.row-human .seg-wait.seg-human").count(), 1);
    const history = page.getByRole("region", { name: "History" });
    await history
      .locator(".history-event", { hasText: "human_task.created" })
      .getByText("for ada · role finance")
      .waitFor();
    await history
      .locator(".history-event", { hasText: "human_task.completed" })
      .getByText("completed by ada")
      .waitFor();
    assert.equal(await history.locator(".history-type.type-human_task").count(), 2);
    await call.getByRole("link", { name: "Human task exp-1:0 in the inbox" }).click();
    await page.waitForURL("**/#/inbox/exp-1%3A0");
    await page.getByRole("region", { name: "Answer" }).getByText("receipt ok").waitFor();

    // Answered human tasks are listed on asking, with who answered.
    await page.goto(`${server.url}/#/inbox?status=completed%2Crejected`);
    const done = page.getByRole("row", { name: "Human task exp-1:0" });
    await done.getByText("completed", { exact: true }).waitFor();
    assert.match(await done.innerText(), /completed\s+ada/);
    assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
    await dashboard.close();
  });

  test("a run waiting for a person links to its human task; a read-only token cannot answer; an answer given meanwhile is told", async () => {
    const { engine } = server;
    await engine.startRun(expense, { id: "E-2", amount: 7 }, { id: "exp-2" });
    await openTask(engine, "exp-2");

    const reader = await openDashboard(browser, `${server.url}/#/runs/exp-2`, { token: readerToken });
    const banner = reader.page.getByRole("region", { name: "Waiting for a person" });
    await banner.getByText("Approve expense E-2").waitFor();
    await banner.getByRole("link", { name: "Open human task exp-2:0 in the inbox" }).click();
    await reader.page.waitForURL("**/#/inbox/exp-2%3A0");
    const readOnly = reader.page.getByRole("form", { name: "Answer the human task" });
    await readOnly.getByText(`Your token is read-only (reader)`).waitFor();
    assert.equal(await readOnly.getByRole("button", { name: "Complete" }).isDisabled(), true);
    assert.equal(await readOnly.getByRole("button", { name: "Reject" }).isDisabled(), true);
    assert.equal(await readOnly.getByLabel("Amount (EUR)").isDisabled(), true);
    await reader.page.locator(".whoami .identity", { hasText: readerName }).waitFor();
    await reader.close();

    const dashboard = await openDashboard(browser, `${server.url}/#/inbox/exp-2%3A0`, { token: operatorToken });
    const { page } = dashboard;
    const form = page.getByRole("form", { name: "Answer the human task" });
    await form.getByLabel("Amount (EUR)").fill("7");
    // The page's reads of the human task are held (a slow network), so that it still shows it open.
    const held: Route[] = [];
    await page.route("**/api/human-tasks/exp-2*", (route) =>
      route.request().method() === "GET" ? void held.push(route) : route.continue(),
    );
    await engine.humanTasks.reject("exp-2:0", { by: "grace", comment: "duplicate" });
    await form.getByLabel("Approve the expense").check();
    await form.getByLabel("Category").selectOption({ label: "meals" });
    await form.getByRole("button", { name: "Complete" }).click();
    await page
      .getByRole("status")
      .getByText('Your answer was not taken: human task "exp-2:0" is rejected by grace: it takes no answer.')
      .waitFor();
    // Once the reads go through, the page shows who answered instead of the form.
    await page.unroute("**/api/human-tasks/exp-2*");
    for (const route of held) await route.continue().catch(() => {});
    const answer = page.getByRole("region", { name: "Answer" });
    await answer.getByText("duplicate").waitFor();
    assert.match(await answer.innerText(), /rejected\s+by grace/);
    assert.equal(await page.getByRole("form", { name: "Answer the human task" }).count(), 0);
    await statusOf(engine, "exp-2", "completed");
    const output = (await engine.getRun("exp-2"))?.output as { answer: { outcome: string; completedBy: string } };
    assert.deepEqual([output.answer.outcome, output.answer.completedBy], ["rejected", "grace"]);
    assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
    await dashboard.close();
  });

  test("human tasks come oldest first, a page at a time", async () => {
    const { engine } = server;
    const ids = Array.from({ length: 51 }, (_, i) => `ask-${String(i).padStart(2, "0")}`);
    for (const id of ids) await engine.startRun(ask, { role: "paging" }, { id });
    for (const id of ids) await openTask(engine, id);
    const dashboard = await openDashboard(browser, `${server.url}/#/inbox?role=paging`, { token: operatorToken });
    const { page } = dashboard;
    const rows = page.locator(".inbox-table tbody tr");
    await page.getByRole("row", { name: "Human task ask-49:0" }).waitFor();
    assert.equal(await rows.count(), 50);
    assert.equal(await rows.first().getAttribute("aria-label"), "Human task ask-00:0");
    await page.getByRole("button", { name: "Newer →" }).click();
    await page.getByRole("row", { name: "Human task ask-50:0" }).waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await page.getByRole("button", { name: "Newer →" }).isDisabled(), true);
    await page.getByRole("button", { name: "← Older" }).click();
    await page.getByRole("row", { name: "Human task ask-00:0" }).waitFor();
    await dashboard.close();
  });
});
