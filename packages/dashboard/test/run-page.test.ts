import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, orderInput } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

describe("run page", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;
  const { workflows, controls } = createDashboardWorkflows();

  before(async () => {
    server = await startDashboard(workflows);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("a failed run shows the failed step, its attempts and error; Resume runs it to completion live", async () => {
    controls.failInvoice = true;
    await server.engine.startRun("invoice", { invoice: "INV-7", amount: 10 }, { id: "invoice-7" });
    await statusOf(server.engine, "invoice-7", "failed");
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/invoice-7`, { token: operatorToken });
    const { page } = dashboard;
    const header = page.locator(".run-header");
    await header.getByText("failed", { exact: true }).waitFor();

    const steps = page.getByRole("region", { name: "Steps" });
    const failed = steps.locator(".step-item", { hasText: "send-invoice" });
    await failed.getByText("Attempt 2").waitFor();
    assert.equal(await failed.getByText("Attempt 1").count(), 1);
    const attemptErrors = await failed.locator(".attempt .error-message").allTextContents();
    assert.deepEqual(attemptErrors, Array(2).fill("mail server refused invoice INV-7: 554 mailbox full"));
    assert.ok((await failed.locator(".stack pre").count()) >= 2, "a stack per attempt");
    const row = page.locator(".timeline-row", { hasText: "send-invoice" });
    assert.equal(await row.locator(".seg-attempt.seg-failed").count(), 2, "each attempt is a segment");
    assert.equal(await row.locator(".seg-backoff").count(), 1, "the retry wait is drawn between them");
    await page.getByRole("region", { name: "Run error" }).getByText("send-invoice").first().waitFor();

    controls.failInvoice = false;
    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await page.getByRole("group", { name: "Confirm: Resume" }).getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("status").getByText("Resumed").waitFor();
    await header.getByText("completed", { exact: true }).waitFor();
    await page.getByRole("region", { name: "Input and output" }).getByText('"msg-INV-7"').waitFor();
    assert.equal(await page.getByRole("button", { name: "Resume", exact: true }).count(), 0);
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("a run with more than 1,000 children says how many it has and how to list them all", async () => {
    const now = Date.now();
    const started = (i: number) => [{ type: "run.started" as const, at: now + i }];
    const fan = { workflow: "fan-out-unserved", version: "1", input: {} };
    await server.engine.store.createRun({ ...fan, id: "fan", history: started(0) }, now);
    await Promise.all(
      Array.from({ length: 1001 }, (_, i) =>
        server.engine.store.createRun({ ...fan, id: `fan-${i}`, parentId: "fan", history: started(i) }, now + i),
      ),
    );
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/fan`, { token: operatorToken });
    const children = dashboard.page.getByRole("region", { name: "Children" });
    await children.getByText("Showing the last 1,000 of 1,001 child runs.").waitFor();
    await children.getByText("GET /api/runs?parentId=fan").waitFor();
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("approve from the run page, follow the child run from the graph, and come back by its parent link", async () => {
    await server.engine.startRun("order", orderInput("B-1"), { id: "order-B-1" });
    await statusOf(server.engine, "order-B-1", "waiting");
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/order-B-1`, { token: operatorToken });
    const { page } = dashboard;
    const header = page.locator(".run-header");
    await header.getByText("waiting", { exact: true }).waitFor();
    await header.getByText("live").waitFor();

    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await page.getByRole("group", { name: "Confirm: Approve" }).getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("status").getByText('Approved (signal "approve" = true).').waitFor();
    await header.getByText("completed", { exact: true }).waitFor();
    assert.equal((await server.engine.getRun("order-B-1")).status, "completed");

    const child = (await server.engine.getRun("order-B-1")).children[0];
    assert.ok(child);
    await page.locator(".react-flow__node", { hasText: "child order-receipt" }).click();
    await page.waitForURL(`**/#/runs/${encodeURIComponent(child.id)}`);
    await page.locator(".run-header").getByText("order-receipt").waitFor();
    await page.getByRole("link", { name: "Parent run" }).click();
    await page.waitForURL("**/#/runs/order-B-1");
    await page.getByRole("region", { name: "Children" }).getByRole("link", { name: child.id }).click();
    await page.waitForURL(`**/#/runs/${encodeURIComponent(child.id)}`);
    await page.goBack();
    await page.waitForURL("**/#/runs/order-B-1");
    await page.locator(".run-header").getByText("order-B-1").waitFor();
    await dashboard.close();
  });

  test("cancel and fork ask first, then show what the API said, its error messages included", async () => {
    await server.engine.startRun("order", orderInput("B-2"), { id: "order-B-2" });
    await statusOf(server.engine, "order-B-2", "waiting");
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/order-B-2`, { token: operatorToken });
    const { page } = dashboard;
    await page.getByRole("button", { name: "Cancel run", exact: true }).click();
    await page.getByRole("group", { name: "Confirm: Cancel run" }).getByRole("button", { name: "Back" }).click();
    assert.equal((await server.engine.getRun("order-B-2")).cancelRequested, false, "Back does nothing");

    const fork = page.getByRole("form", { name: "Fork" });
    await fork.getByLabel("Fork from step").selectOption("1");
    await fork.getByLabel("New run id").fill("has a space");
    await fork.getByRole("button", { name: "Fork", exact: true }).click();
    await fork.getByRole("button", { name: "Confirm" }).click();
    await fork
      .getByRole("status")
      .getByText(/Refused: .*printable ASCII/)
      .waitFor();
    await fork.getByLabel("New run id").fill("order-B-2-fork");
    await fork.getByRole("button", { name: "Fork", exact: true }).click();
    await fork.getByRole("button", { name: "Confirm" }).click();
    await fork.getByRole("link", { name: "order-B-2-fork" }).click();
    await page.locator(".run-header").getByText("order-B-2-fork").waitFor();
    await eventually(
      async () => (await server.engine.getHistory("order-B-2-fork"))[0]?.forkedFrom?.runId === "order-B-2",
    );
    await page.goBack();

    await page.getByRole("button", { name: "Cancel run", exact: true }).click();
    await page.getByRole("group", { name: "Confirm: Cancel run" }).getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("status").getByText("Cancel requested.").waitFor();
    await page.locator(".run-header").getByText("cancelled", { exact: true }).waitFor();
    const run = await server.engine.getRun("order-B-2");
    assert.deepEqual(
      run.steps.filter((s) => s.compensation).map((s) => s.name),
      ["reserve", "charge"],
      "the completed steps were undone",
    );
    await page.locator(".timeline-row.row-compensation").first().waitFor();
    assert.equal(await page.locator(".react-flow__node.kind-compensation").count(), 2);
    await dashboard.close();
  });

  test("send a signal with a JSON payload from the form; a payload that is not JSON is refused before sending", async () => {
    await server.engine.startRun("intake", { ticket: "T-1" }, { id: "intake-1" });
    await statusOf(server.engine, "intake-1", "waiting");
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/intake-1`, { token: operatorToken });
    const { page } = dashboard;
    const form = page.getByRole("form", { name: "Send a signal" });
    assert.equal(await form.getByLabel("Signal").inputValue(), "details");
    await form.getByLabel("Payload (JSON)").fill("{priority: high}");
    await form.getByRole("button", { name: "Send signal" }).click();
    await form
      .getByRole("alert")
      .getByText(/not JSON/)
      .waitFor();
    await form.getByLabel("Payload (JSON)").fill('{"priority": "high"}');
    await form.getByRole("button", { name: "Send signal" }).click();
    await form.getByRole("button", { name: "Confirm" }).click();
    await page.getByText('Signal "details" sent.').waitFor();
    await page.locator(".run-header").getByText("completed", { exact: true }).waitFor();
    assert.deepEqual((await server.engine.getRun("intake-1")).output, { ticket: "T-1", priority: "high" });
    await dashboard.close();
  });
});
