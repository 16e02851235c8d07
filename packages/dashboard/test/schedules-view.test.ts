import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser } from "playwright-core";
import { eventually } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, readerToken, startDashboard } from "./support/start-dashboard.js";

const report = defineWorkflow("report", async (ctx) => ctx.step("send", () => ctx.scheduledAt?.toISOString()), {
  schedules: [{ id: "report-weekdays", cron: "0 9 * * 1-5", timezone: "Asia/Tokyo" }],
});

describe("schedules", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard([report]);
    browser = await launchBrowser();
    await server.engine.schedules.create({ id: "hourly-ping", workflow: report, every: "1h", paused: true });
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("lists schedules with their next fire times in their own time zone; pause, resume and trigger", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/schedules`, { token: operatorToken });
    const { page } = dashboard;
    await page.getByRole("link", { name: "Schedules" }).and(page.locator("[aria-current=page]")).waitFor();
    const weekdays = page.getByRole("row", { name: "Schedule report-weekdays" });
    const hourly = page.getByRole("row", { name: "Schedule hourly-ping" });
    await weekdays.waitFor();
    assert.match(await weekdays.innerText(), /cron 0 9 \* \* 1-5 \(Asia\/Tokyo\)/);
    assert.match(await weekdays.innerText(), /in code/);
    const fireTimes = await weekdays.locator(".fire-times li").allTextContents();
    assert.equal(fireTimes.length, 3);
    for (const time of fireTimes) assert.match(time, /^\d{4}-\d\d-\d\d 09:00 Asia\/Tokyo$/, "09:00 in Tokyo");
    const expected = (await server.engine.schedules.get("report-weekdays")).nextFireAt?.toISOString() ?? "";
    assert.equal(fireTimes[0]?.slice(0, 10), new Date(Date.parse(expected) + 9 * 3_600_000).toISOString().slice(0, 10));
    assert.match(await hourly.innerText(), /paused/);

    await hourly.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("status").getByText("Schedule hourly-ping resumed.").waitFor();
    await hourly.locator(".fire-times li").first().waitFor();
    assert.match((await hourly.locator(".fire-times li").first().innerText()) ?? "", /^\S+ \d\d:00 UTC$/);
    assert.equal((await server.engine.schedules.get("hourly-ping")).paused, false);

    await weekdays.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("status").getByText("Schedule report-weekdays paused.").waitFor();
    await weekdays.getByText("paused").waitFor();
    assert.equal((await server.engine.schedules.get("report-weekdays")).paused, true);

    await weekdays.getByRole("button", { name: "Trigger now" }).click();
    await weekdays.getByRole("button", { name: "Confirm" }).click();
    await page
      .getByRole("status")
      .getByText(/^Started run report-weekdays@\S+Z\.$/)
      .waitFor();
    const runId = (await server.engine.schedules.get("report-weekdays")).lastRunId as string;
    await eventually(async () => (await server.engine.getRun(runId)).status === "completed");
    const runLink = weekdays.locator(".schedule-runs").getByRole("link", { name: runId });
    await runLink.waitFor();

    // The run shows the schedule that started it, and the runs list filters by schedule.
    await runLink.click();
    await page.getByRole("link", { name: "Schedule", exact: true }).waitFor();
    assert.match(await page.locator(".run-header .facts").innerText(), /Schedule\s+report-weekdays\s+fire time/);
    await page.getByRole("link", { name: "its runs" }).click();
    await page.getByText("Runs of schedule").waitFor();
    const rows = page.locator(".runs-table tbody tr");
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /schedule report-weekdays/);
    assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
    await dashboard.close();
  });

  test("a reader sees the schedules without their actions", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/schedules`, { token: readerToken });
    const { page } = dashboard;
    await page.getByRole("row", { name: "Schedule report-weekdays" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /Pause|Resume|Trigger now/ }).count(), 0);
    assert.equal(await page.getByRole("columnheader", { name: "Actions" }).count(), 0);
    await dashboard.close();
  });
});
