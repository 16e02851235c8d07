import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser } from "playwright-core";
import { z } from "zod";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

describe("history of refused signals", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;
  const quantity = defineWorkflow("quantity", async (ctx) =>
    ctx.waitForSignal("quantity", { schema: z.object({ n: z.number() }) }),
  );

  before(async () => {
    server = await startDashboard([quantity]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("a signal.refused event shows which field was refused and why", async () => {
    await server.engine.startRun(quantity, {}, { id: "quantity-1" });
    await statusOf(server.engine, "quantity-1", "waiting");
    await server.engine.signal("quantity-1", "quantity", { n: "three" });
    await eventually(async () =>
      (await server.engine.getHistory("quantity-1")).some((e) => e.type === "signal.refused"),
    );
    const dashboard = await openDashboard(browser, `${server.url}/#/runs/quantity-1`, { token: operatorToken });
    const history = dashboard.page.getByRole("region", { name: "History" });
    const refused = history.locator(".history-event", { hasText: "signal.refused" });
    await refused.locator(".history-refusal").waitFor();
    assert.match((await refused.locator(".history-refusal").textContent()) ?? "", /^ refused: n: .+/);
    assert.deepEqual(dashboard.problems.pageErrors, []);
    await dashboard.close();
  });
});
