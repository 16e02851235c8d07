import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, orderInput } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, readerToken, startDashboard } from "./support/start-dashboard.js";

const actionNames = ["Approve", "Reject", "Cancel run", "Resume", "Send signal", "Fork"];

async function actionButtons(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const name of actionNames) {
    if ((await page.getByRole("button", { name, exact: true }).count()) > 0) found.push(name);
  }
  return found;
}

describe("auth and roles", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    const { workflows, controls } = createDashboardWorkflows();
    server = await startDashboard(workflows);
    browser = await launchBrowser();
    controls.failInvoice = true;
    await server.engine.startRun("order", orderInput("R-1"), { id: "order-R-1" });
    await server.engine.startRun("invoice", { invoice: "INV-R", amount: 1 }, { id: "invoice-R" });
    await statusOf(server.engine, "order-R-1", "waiting");
    await statusOf(server.engine, "invoice-R", "failed");
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("asks for a token on 401, keeps it for the tab, and a read-only token sees no action button", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/order-R-1`);
    const { page } = dashboard;
    const prompt = page.getByRole("form", { name: "API token" });
    await prompt.getByLabel("Token").fill(readerToken);
    await prompt.getByRole("button", { name: "Use token" }).click();
    await page.locator(".run-header").getByText("waiting", { exact: true }).waitFor();
    await page.locator(".role", { hasText: "read-only" }).waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('baton.token')"), readerToken);
    await page.getByRole("region", { name: "Timeline" }).waitFor();
    assert.deepEqual(await actionButtons(page), []);
    assert.equal(await page.getByRole("region", { name: "Actions" }).count(), 0);

    await page.goto(`${server.url}/#/runs/invoice-R`);
    await page.locator(".run-header").getByText("failed", { exact: true }).waitFor();
    assert.deepEqual(await actionButtons(page), []);

    await page.goto(`${server.url}/#/waiting`);
    await page.locator(".waiting-card", { hasText: "order-R-1" }).waitFor();
    assert.deepEqual(await actionButtons(page), []);

    await page.reload();
    await page.locator(".waiting-card", { hasText: "order-R-1" }).waitFor();
    assert.equal(await prompt.count(), 0, "the token outlives a reload of the tab");

    await page.getByRole("button", { name: "change token" }).click();
    await prompt.getByLabel("Token").fill(operatorToken);
    await prompt.getByRole("button", { name: "Use token" }).click();
    await page.locator(".role", { hasText: "operator" }).waitFor();
    await page.getByRole("button", { name: "Approve", exact: true }).waitFor();
    assert.deepEqual(await actionButtons(page), ["Approve", "Reject"]);
    await dashboard.close();
  });

  test("a wrong token is asked for again", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: "not-a-token" });
    const { page } = dashboard;
    const prompt = page.getByRole("form", { name: "API token" });
    await prompt.waitFor();
    await prompt.getByLabel("Token").fill(operatorToken);
    await prompt.getByRole("button", { name: "Use token" }).click();
    await page.getByRole("link", { name: "order-R-1" }).waitFor();
    await dashboard.close();
  });
});
