import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

/** A definition with an `if`: a review above 100, an automatic approval otherwise, both short timers. */
const refundCheck = `name: refund-check
description: Reviews large refunds.
steps:
  - id: check
    if:
      condition: "{% $input.amount > 100 %}"
      then:
        - id: review
          wait:
            duration: 5ms
      else:
        - id: auto
          wait:
            duration: 5ms
  - id: done
    succeed:
      output: "{% $input.amount %}"
`;

describe("definition graph", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;
  const { workflows } = createDashboardWorkflows();

  before(async () => {
    server = await startDashboard(workflows);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  /** A request to the API as the operator. */
  const request = (path: string, init: { method?: string; type?: string; body?: string } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        authorization: `Bearer ${operatorToken}`,
        ...(init.type ? { "content-type": init.type } : {}),
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });

  test("a deployed definition is drawn before any run; its run shows each node's status and the branch taken", async () => {
    const deployed = await request("/api/definitions", {
      method: "POST",
      type: "application/json",
      body: JSON.stringify({ source: refundCheck }),
    });
    assert.equal(deployed.status, 201, await deployed.clone().text());
    const definition = (await deployed.json()) as { name: string; version: string };
    assert.equal(definition.name, "refund-check");

    const dashboard = await openDashboard(browser, `${server.url}/#/definitions`, { token: operatorToken });
    const { page } = dashboard;
    await page.getByRole("link", { name: "refund-check", exact: true }).click();
    await page.waitForURL("**/#/definitions/refund-check");
    const drawn = page.getByRole("region", { name: "Definition graph" }).getByTestId("definition-graph");
    for (const id of ["check", "review", "auto", "done"]) await drawn.locator(`[data-node-id="${id}"]`).waitFor();
    assert.equal(await drawn.locator('[data-node-id="check"]').getAttribute("data-kind"), "if");
    assert.equal(await drawn.locator("[data-status]").count(), 0, "no status before a run");
    await drawn.locator(".react-flow__edge-text", { hasText: /^then$/ }).waitFor();
    await drawn.locator(".react-flow__edge-text", { hasText: /^else$/ }).waitFor();
    await page.getByRole("region", { name: "Document" }).getByText("id: review").waitFor();

    const started = await request("/api/runs", {
      method: "POST",
      type: "application/json",
      body: JSON.stringify({ workflow: "refund-check", id: "refund-check-1", input: { amount: 250 } }),
    });
    assert.equal(started.status, 201, await started.clone().text());
    await statusOf(server.engine, "refund-check-1", "completed");

    await page.goto(`${server.url}/#/runs/refund-check-1`);
    await page.locator(".run-header").getByText("completed", { exact: true }).waitFor();
    const section = page.getByRole("region", { name: "Definition" });
    const overlay = section.getByTestId("definition-graph");
    await overlay.locator('[data-node-id="review"][data-status="completed"]').waitFor();
    assert.equal(await overlay.locator('[data-node-id="auto"]').getAttribute("data-status"), "skipped");
    assert.equal(await overlay.locator('[data-node-id="check"]').getAttribute("data-status"), "completed");
    assert.equal(await overlay.locator('[data-node-id="review"]').getAttribute("data-entered"), "1");
    assert.equal(await overlay.locator('[data-node-id="auto"]').getAttribute("data-entered"), "0");
    assert.equal(await overlay.locator('.react-flow__edge.edge-taken[data-id="node:check->node:review"]').count(), 1);
    assert.equal(await overlay.locator('.react-flow__edge.edge-taken[data-id="node:check->node:auto"]').count(), 0);
    await section.getByRole("list", { name: "Node statuses" }).getByText("skipped").waitFor();

    await overlay.locator('[data-node-id="review"]').click();
    await page.getByRole("region", { name: "Steps" }).locator(".step-item.selected").waitFor();
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });

  test("a run of a code workflow shows no definition graph", async () => {
    await server.engine.startRun("intake", { ticket: "T-9" }, { id: "intake-9" });
    await statusOf(server.engine, "intake-9", "waiting");
    const answer = await request("/api/runs/intake-9/graph");
    assert.equal(answer.status, 404);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, "NOT_A_DEFINITION_RUN");

    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: operatorToken });
    const { page } = dashboard;
    const graphAnswer = page.waitForResponse((response) => response.url().endsWith("/api/runs/intake-9/graph"));
    await page.goto(`${server.url}/#/runs/intake-9`);
    assert.equal((await graphAnswer).status(), 404);
    await page.getByRole("region", { name: "Graph", exact: true }).getByTestId("run-graph").waitFor();
    assert.equal(await page.getByRole("region", { name: "Definition", exact: true }).count(), 0);
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });
});
