import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser } from "playwright-core";
import { statusOf } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, readerToken, startDashboard } from "./support/start-dashboard.js";

/** A run of the queue `mail` that waits for the signal `sent`, holding its slot meanwhile (`holdWhileWaiting`). */
const mailer = defineWorkflow(
  "mailer",
  async (ctx, to: string) => {
    await ctx.step("compose", () => `to ${to}`);
    return ctx.waitForSignal<boolean>("sent");
  },
  { queue: "mail" },
);

describe("queues", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard([mailer], {
      engine: {
        queues: { mail: { concurrency: 1, holdWhileWaiting: true, rateLimit: { limit: 10, period: "1m" } } },
      },
    });
    browser = await launchBrowser();
    const { engine } = server;
    await engine.startRun(mailer, "ada@x", { id: "mail-1", concurrencyKey: "cust-1", priority: 5 });
    await statusOf(engine, "mail-1", "waiting");
    await engine.startRun(mailer, "bob@x", { id: "mail-2" });
    await engine.startRun(mailer, "cy@x", { id: "mail-3", priority: 2 });
    await engine.startRun(mailer, "dee@x", { id: "mail-later", delay: "1h" });
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("the Queues page shows running against the limit, the rate window and the pending runs, live", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: readerToken });
    const { page } = dashboard;
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Queues" }).click();
    await page.waitForURL(/#\/queues$/);
    const row = page.locator(".queues-table tbody tr", { has: page.getByRole("link", { name: "mail", exact: true }) });
    await row.waitFor();
    assert.equal(await row.locator(".queue-running").innerText(), "1/1");
    assert.equal(await row.locator(".queue-rate").innerText(), "1/10 per 1m");
    assert.equal(await row.locator(".queue-per-key").innerText(), "-");
    assert.equal(await row.locator(".queue-pending").innerText(), "3", "two runs waiting for the slot, one delayed");
    assert.notEqual(await row.locator(".queue-oldest").innerText(), "-");
    await row.getByText("holds while waiting").waitFor();

    // The slot goes to the pending run of the highest priority; the page follows.
    await server.engine.signal("mail-1", "sent", true);
    await statusOf(server.engine, "mail-3", "waiting");
    await row.locator(".queue-pending", { hasText: /^2$/ }).waitFor();
    assert.equal(await row.locator(".queue-running").innerText(), "1/1");
    assert.equal(await row.locator(".queue-rate").innerText(), "2/10 per 1m");
    assert.equal((await server.engine.getRun("mail-2"))?.status, "pending");

    await row.getByRole("link", { name: "mail", exact: true }).click();
    await page.waitForURL(/#\/runs\?queue=mail$/);
    const table = page.locator(".runs-table");
    await table.getByRole("link", { name: "mail-later" }).waitFor();
    assert.deepEqual(await table.locator("tbody tr td.mono a").allTextContents(), [
      "mail-later",
      "mail-3",
      "mail-2",
      "mail-1",
    ]);
    assert.equal(await page.getByLabel("Queue", { exact: true }).inputValue(), "mail");
    const first = table.locator("tr", { hasText: "mail-1" });
    assert.match(await first.locator(".run-queue").innerText(), /^mail\s*key cust-1\s*priority 5$/);
    const later = table.locator("tr", { hasText: "mail-later" });
    assert.match(await later.innerText(), /starts at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("a run's page shows its queue, key and priority, and when a delayed run starts", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/mail-1`, { token: operatorToken });
    const { page } = dashboard;
    const header = page.locator(".run-header");
    await header.getByText("completed", { exact: true }).waitFor();
    const facts = header.locator(".queue-facts");
    assert.match(await facts.innerText(), /^mail\s*key cust-1\s*priority 5$/);
    assert.equal(await facts.getByRole("link", { name: "Queue mail" }).getAttribute("href"), "#/runs?queue=mail");

    await page.goto(`${server.url}/#/runs/mail-later`);
    await header.getByText("pending", { exact: true }).waitFor();
    const startAt = (await server.engine.getRun("mail-later"))?.startAt;
    assert.ok(startAt);
    await header.getByText(/^starts at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/).waitFor();
    assert.match(await header.locator(".queue-facts").innerText(), /^mail$/);
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("without named queues the page says how to declare them", async () => {
    await using bare = await startDashboard([defineWorkflow("plain", async () => "done")]);
    const dashboard = await openDashboard(browser, `${bare.url}/#/queues`, { token: readerToken });
    await dashboard.page.getByText("No named queues: workers declare them with createEngine({ queues })").waitFor();
    await dashboard.close();
  });
});
