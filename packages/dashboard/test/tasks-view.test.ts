import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, readerToken, startDashboard } from "./support/start-dashboard.js";

/** Fetches an image, then hands its resizing to a task worker polling the task queue `media`. */
const thumbnail = defineWorkflow("thumbnail", async (ctx, input: { url: string }) => {
  const source = await ctx.step("fetch-source", () => ({ url: input.url, bytes: 2048 }));
  return ctx.task<{ width: number }>(
    "resize-image",
    { url: source.url, width: 320 },
    { queue: "media", heartbeatTimeout: "1m", retry: { maxAttempts: 3, initialInterval: 10 } },
  );
});

describe("tasks", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard([thumbnail]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("a queued task is listed on the tasks page; its run follows the task worker's lease, failure and completion", async () => {
    const { engine } = server;
    await engine.startRun(thumbnail, { url: "https://example.com/cat.png" }, { id: "thumb-1" });
    await statusOf(engine, "thumb-1", "waiting");

    const dashboard = await openDashboard(browser, `${server.url}/#/tasks`, { token: readerToken });
    const { page } = dashboard;
    await page.getByRole("link", { name: "Tasks" }).and(page.locator("[aria-current=page]")).waitFor();
    const row = page.getByRole("row", { name: "Task thumb-1:1" });
    await row.getByText("queued", { exact: true }).waitFor();
    assert.match(await row.innerText(), /resize-image[\s\S]*media[\s\S]*queued[\s\S]*0\/3/);
    assert.equal(await row.getByRole("link", { name: "thumb-1", exact: true }).getAttribute("href"), "#/runs/thumb-1");

    // Filters: another task queue lists nothing; the task's own lists it again.
    const filters = page.getByRole("form", { name: "Filters" });
    await filters.getByLabel("Task queue").fill("images");
    await page.getByText("No tasks match.").waitFor();
    assert.match(page.url(), /#\/tasks\?queue=images$/);
    await filters.getByLabel("Task queue").fill("media");
    await row.waitFor();
    await filters.getByLabel("Status").selectOption("completed");
    await page.getByText("No tasks match.").waitFor();
    await filters.getByLabel("Status").selectOption({ label: "open (queued, leased)" });
    await row.waitFor();
    await row.getByRole("button", { name: "resize-image" }).click();
    const more = page.locator(".task-more");
    await more.getByText('"https://example.com/cat.png"').waitFor();

    // A task worker leases the task and reports progress: the page shows it at its next poll.
    const [leased] = await engine.tasks.poll({ workerId: "py-worker-1", queues: ["media"] });
    assert.ok(leased);
    await engine.tasks.heartbeat(leased.token, { progress: 40 });
    await row.getByText("leased", { exact: true }).waitFor();
    assert.match(await row.innerText(), /1\/3[\s\S]*py-worker-1[\s\S]*in \d[\s\S]*ago[\s\S]*\{"progress":40\}/);

    await row.getByRole("link", { name: "thumb-1", exact: true }).click();
    await page.waitForURL("**/#/runs/thumb-1");
    const steps = page.getByRole("region", { name: "Steps" });
    const call = steps.locator(".step-item", { hasText: "resize-image" });
    await call.getByText("leased by py-worker-1").waitFor();
    await call.locator(".step-summary").click();
    const details = call.locator(".step-details");
    await details.getByText("attempt 1 of 3").waitFor();
    assert.match(await details.locator(".facts").innerText(), /Task\s+thumb-1:1\s+Task queue\s+media/);
    assert.match(await details.locator(".facts").innerText(), /Task worker\s+py-worker-1\s+Lease expires/);
    await details.getByText('"https://example.com/cat.png"').waitFor();
    await details.getByText("40", { exact: true }).waitFor();
    const timelineRow = page.locator(".timeline-row.row-task");
    assert.equal(await timelineRow.locator(".seg-attempt.seg-running").count(), 1, "the attempt a task worker holds");
    await page.locator(".react-flow__node.kind-task", { hasText: "task resize-image" }).waitFor();

    // The first attempt fails; a second task worker takes the retry and completes it.
    const failed = await engine.tasks.fail(leased.token, { error: { message: "disk full on py-worker-1" } });
    assert.equal(failed.retry, true);
    const retried = await eventually(
      async () => (await engine.tasks.poll({ workerId: "py-worker-2", queues: ["media"] }))[0],
    );
    assert.equal(retried.attempt, 2);
    await engine.tasks.complete(retried.token, { width: 320 });
    await statusOf(engine, "thumb-1", "completed");

    await page.locator(".run-header").getByText("completed", { exact: true }).waitFor();
    await details.getByText("Attempt 2").waitFor();
    const attempts = await details.locator(".attempt").allInnerTexts();
    assert.equal(attempts.length, 2);
    assert.match(attempts[0] ?? "", /Attempt 1\s+failed\s+by py-worker-1[\s\S]*disk full on py-worker-1/);
    assert.match(attempts[1] ?? "", /Attempt 2\s+completed\s+by py-worker-2/);
    assert.match(await details.locator(".facts").innerText(), /Completed by\s+py-worker-2/);
    await page.getByRole("region", { name: "Input and output" }).getByText("320").waitFor();
    assert.equal(await timelineRow.locator(".seg-attempt.seg-failed").count(), 1);
    assert.equal(await timelineRow.locator(".seg-attempt.seg-completed").count(), 1);
    await page.locator(".react-flow__node.kind-task", { hasText: "completed" }).waitFor();
    assert.match(await page.locator(".react-flow__node.kind-task").innerText(), /#1 completed.*2 attempts · media/);
    const history = page.getByRole("region", { name: "History" });
    await history.locator(".history-event", { hasText: "task.scheduled" }).getByText("in task queue media").waitFor();
    await history.locator(".history-event", { hasText: "task.completed" }).getByText("by py-worker-2").waitFor();
    assert.equal(await history.locator(".history-type.type-task").count(), 2);

    // The task's id links to the tasks of its run, in any status.
    await details.getByRole("link", { name: "Task thumb-1:1 on the tasks page" }).click();
    await page.waitForURL("**/#/tasks?status=any&runId=thumb-1");
    await page.getByText("Tasks of run").waitFor();
    const done = page.getByRole("row", { name: "Task thumb-1:1" });
    await done.getByText("completed", { exact: true }).waitFor();
    assert.match(await done.innerText(), /2\/3[\s\S]*py-worker-2/);
    await page.getByRole("button", { name: "show every task" }).click();
    await page.waitForURL("**/#/tasks?status=any");
    await page.goto(`${server.url}/#/tasks`);
    await page.getByText("No tasks match.").waitFor();
    assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
    await dashboard.close();
  });

  test("tasks come oldest first, a page at a time", async () => {
    const { engine } = server;
    const ids = Array.from({ length: 52 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    for (const id of ids) {
      await engine.startRun(thumbnail, { url: `https://example.com/${id}.png` }, { id });
      await statusOf(engine, id, "waiting");
    }
    const dashboard = await openDashboard(browser, `${server.url}/#/tasks?queue=media`, { token: operatorToken });
    const { page } = dashboard;
    const rows = page.locator(".tasks-table tbody tr[aria-label]");
    await page.getByRole("row", { name: "Task page-49:1" }).waitFor();
    assert.equal(await rows.count(), 50);
    assert.equal(await rows.first().getAttribute("aria-label"), "Task page-00:1");
    await page.getByRole("button", { name: "Newer →" }).click();
    await page.getByRole("row", { name: "Task page-51:1" }).waitFor();
    assert.deepEqual(await rows.evaluateAll((all) => all.map((r) => r.getAttribute("aria-label"))), [
      "Task page-50:1",
      "Task page-51:1",
    ]);
    assert.equal(await page.getByRole("button", { name: "Newer →" }).isDisabled(), true);
    await page.getByRole("button", { name: "← Older" }).click();
    await page.getByRole("row", { name: "Task page-00:1" }).waitFor();
    await dashboard.close();
  });
});
