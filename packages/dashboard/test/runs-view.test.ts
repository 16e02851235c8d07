import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { eventually } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, orderInput } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

const expectedPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

describe("runs view", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    server = await startDashboard(createDashboardWorkflows().workflows);
    browser = await launchBrowser();
    for (let i = 0; i < 110; i++) {
      await server.engine.startRun(
        "invoice",
        { invoice: `INV-${i}`, amount: i },
        { id: `inv-${String(i).padStart(3, "0")}` },
      );
    }
    await server.engine.startRun("order", orderInput("A-1"), { id: "order-A-1" });
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("the server sends the Content-Security-Policy and the app breaks none of it", async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-security-policy"), expectedPolicy);
    const html = await response.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, "no inline script");
    assert.doesNotMatch(html, /<style|style=/i, "no inline style");

    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: operatorToken });
    const { page } = dashboard;
    await page.getByRole("link", { name: "order-A-1" }).waitFor();
    await page.goto(`${server.url}/#/runs/order-A-1`);
    await page.locator(".react-flow__node").first().waitFor();
    await page.goto(`${server.url}/#/waiting`);
    await page.goto(`${server.url}/#/workflows`);
    await page.getByRole("cell", { name: "invoice" }).first().waitFor();
    await page.goto(`${server.url}/runs/order-A-1`);
    await page.waitForURL("**/#/runs/order-A-1");
    await page.locator(".run-header").getByText("order-A-1").waitFor();
    const { xss, violations } = await dashboard.probe();
    assert.equal(xss, undefined);
    assert.deepEqual(violations, []);
    assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
    await dashboard.close();
  });

  test("pages through runs with cursors, filters them, and shows new runs without a reload", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: operatorToken });
    const { page } = dashboard;
    const ids = () => page.locator(".runs-table tbody tr td:nth-child(3) a").allTextContents();
    await page.getByRole("link", { name: "order-A-1" }).waitFor();
    const first = await ids();
    assert.equal(first.length, 50);
    await page.getByRole("button", { name: "Older →" }).click();
    await page.getByText("page 2").waitFor();
    await eventually(async () => {
      const shown = await ids();
      return shown.length === 50 && !shown.includes("order-A-1");
    });
    const second = await ids();
    assert.equal(second.length, 50);
    await page.getByRole("button", { name: "Older →" }).click();
    await page.getByText("page 3").waitFor();
    await eventually(async () => (await ids()).length === 11);
    const third = await ids();
    assert.equal(new Set([...first, ...second, ...third]).size, 111, "every run once across the pages");
    assert.equal(await page.getByRole("button", { name: "Older →" }).isDisabled(), true);
    await page.getByRole("button", { name: "← Newer" }).click();
    await page.getByText("page 2").waitFor();

    await page.getByLabel("Workflow").selectOption("order");
    await page.getByText("page 1").waitFor();
    await eventually(async () => (await ids()).join() === "order-A-1");
    assert.match(page.url(), /workflow=order/);

    await server.engine.startRun("order", orderInput("A-2"), { id: "order-A-2" });
    await page.getByRole("link", { name: "order-A-2" }).waitFor({ timeout: 5000 });

    await page.getByLabel("Workflow").selectOption("");
    await page.getByLabel("Run id").fill("inv-10");
    const hundreds = Array.from({ length: 10 }, (_, i) => `inv-10${i}`).join();
    await eventually(async () => (await ids()).sort().join() === hundreds);
    await page.getByLabel("Run id").fill("");
    await page.getByLabel("Status").selectOption("waiting");
    await eventually(async () => (await ids()).sort().join() === "order-A-1,order-A-2");
    await page.getByLabel("Started").selectOption("15m");
    await eventually(async () => (await ids()).length === 2);
    await dashboard.close();
  });
});
