import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, orderInput } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

let releaseLong: () => void = () => {};
const long = new Promise<void>((resolve) => {
  releaseLong = resolve;
});
/** A run `running` while one branch waits for the signal `review` and the other's step runs. */
const review = defineWorkflow("review", async (ctx) =>
  Promise.all([
    ctx.step("long", () => long.then(() => "done")),
    ctx.step("quick", () => 1).then(() => ctx.waitForSignal<string>("review")),
  ]),
);

describe("waiting for people, and workflows", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard([...createDashboardWorkflows().workflows, review]);
    browser = await launchBrowser();
    const { engine } = server;
    // One after the other, so that each starts waiting after the one before.
    for (const [workflow, input, id] of [
      ["intake", { ticket: "T-9" }, "intake-9"],
      ["order", orderInput("W-1"), "order-W-1"],
      ["sleeper", {}, "sleeper-1"],
      ["order", orderInput("W-2"), "order-W-2"],
    ] as const) {
      await engine.startRun(workflow, input, { id });
      await statusOf(engine, id, "waiting");
    }
    await engine.startRun("review", {}, { id: "review-1" });
    await eventually(async () => (await engine.getHistory("review-1")).some((e) => e.type === "signal.waiting"));
    await engine.startRun("invoice", { invoice: "INV-9", amount: 3 }, { id: "invoice-9" });
    await statusOf(engine, "invoice-9", "failed");
  });
  after(async () => {
    releaseLong();
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("lists every open signal wait, the longest waiting first, a running run's too, and answers each in one click", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/waiting`, { token: operatorToken });
    const { page } = dashboard;
    const cards = page.locator(".waiting-card");
    await cards.filter({ hasText: "review-1" }).waitFor();
    assert.deepEqual(
      await cards.locator(".waiting-head a").allTextContents(),
      ["intake-9", "order-W-1", "order-W-2", "review-1"],
      "the longest waiting first",
    );
    assert.deepEqual(await page.locator(".waiting-card.approval .waiting-head a").allTextContents(), [
      "order-W-1",
      "order-W-2",
    ]);
    const running = cards.filter({ hasText: "review-1" });
    assert.equal(await running.locator(".status").innerText(), "running");
    await running.getByLabel("Payload (JSON)").fill('"looks good"');
    await running.getByRole("button", { name: "Send signal" }).click();
    await page.getByRole("status").getByText('review-1: Signal "review" sent.').waitFor();
    await running.waitFor({ state: "detached" });
    releaseLong();
    await statusOf(server.engine, "review-1", "completed");
    assert.deepEqual(await server.engine.handle("review-1").result(), ["done", "looks good"]);

    await cards.filter({ hasText: "order-W-2" }).getByRole("button", { name: "Approve" }).click();
    await page.getByRole("status").getByText('order-W-2: Approved (signal "approve" = true).').waitFor();
    await statusOf(server.engine, "order-W-2", "completed");
    await cards.filter({ hasText: "order-W-1" }).getByRole("button", { name: "Reject" }).click();
    await page.getByRole("status").getByText("order-W-1: Rejected").waitFor();
    await statusOf(server.engine, "order-W-1", "compensated");
    const intake = cards.filter({ hasText: "intake-9" });
    await intake.getByLabel("Payload (JSON)").fill('{"priority":"urgent"}');
    await intake.getByRole("button", { name: "Send signal" }).click();
    await page.getByRole("status").getByText('intake-9: Signal "details" sent.').waitFor();
    await statusOf(server.engine, "intake-9", "completed");
    await page.getByText("No run waits for a signal.").waitFor();
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("workflows show their versions, counts by status and recent failures with their error", async () => {
    // A run of a version no worker has (as after a deploy that dropped it).
    await server.engine.store.createRun(
      {
        id: "invoice-old",
        workflow: "invoice",
        version: "0",
        input: {},
        history: [{ type: "run.started", at: Date.now(), input: {} }],
      },
      Date.now(),
    );
    const dashboard = await openDashboard(browser, `${server.url}/#/workflows`, { token: operatorToken });
    const { page } = dashboard;
    const unserved = page.getByRole("list", { name: "Versions no worker serves" });
    await unserved.getByText("invoice@0").waitFor();
    assert.match(await unserved.innerText(), /No worker serves invoice@0: 1 run waits for one that has this version\./);
    const invoice = page.locator(".workflows-table tr", {
      has: page.getByRole("link", { name: "invoice", exact: true }),
    });
    await invoice.getByRole("link", { name: "invoice-9" }).waitFor();
    await invoice.getByText("mail server refused invoice INV-9").waitFor();
    assert.match(await invoice.locator(".counts").innerText(), /failed\s*1/);
    const sleeper = page.locator(".workflows-table tr", {
      has: page.getByRole("link", { name: "sleeper", exact: true }),
    });
    assert.match(await sleeper.locator(".counts").innerText(), /waiting\s*1/);
    await invoice.locator(".count", { hasText: "failed" }).click();
    await page.waitForURL(/#\/runs\?workflow=invoice&status=failed/);
    await page.locator(".runs-table").getByRole("link", { name: "invoice-9" }).waitFor();
    await dashboard.close();
  });
});
