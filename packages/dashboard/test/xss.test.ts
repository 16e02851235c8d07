/**
 * Run data carrying markup (`<img onerror>`, `<script>`, `<svg onload>`,
 * `javascript:` URLs) in run ids, inputs, step names, outputs, signal
 * names and payloads, error messages and stacks, human tasks' titles,
 * descriptions, contexts, forms and answers is shown as text: no script
 * runs, no dialog opens, no element is made from it, no link points at it,
 * and the Content-Security-Policy reports nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { defineWorkflow } from "baton";
import type { Browser, Page } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows, xssPayloads, xssRunIds } from "./support/dashboard-workflows.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";
import { type DashboardPage, openDashboard } from "./support/open-dashboard.js";
import { type DashboardServer, operatorToken, startDashboard } from "./support/start-dashboard.js";

/** Hands a task named with markup, with markup in its input, to the task workers of the task queue `xss`. */
const xssTask = defineWorkflow("xss-task", async (ctx, input: { note: string }) =>
  ctx.task(xssPayloads.img, { [xssPayloads.script]: input.note }, { queue: "xss", retry: { initialInterval: 1 } }),
);

/** Asks a person, with markup in every text a person reads: title, description, whom, context, the form's labels and choices. */
const xssHuman = defineWorkflow("xss-human", async (ctx, input: { note: string }) =>
  ctx.humanTask(xssPayloads.img, {
    title: xssPayloads.script,
    description: `${xssPayloads.img}\n${xssPayloads.svg}`,
    assignee: xssPayloads.url,
    role: xssPayloads.svg,
    context: { [xssPayloads.img]: input.note },
    form: {
      type: "object",
      description: xssPayloads.svg,
      properties: {
        [xssPayloads.script]: {
          type: "string",
          title: xssPayloads.img,
          description: xssPayloads.svg,
          enum: [xssPayloads.url, xssPayloads.script],
        },
        tags: { type: "array", title: xssPayloads.url, items: { enum: [xssPayloads.img] } },
      },
      required: [xssPayloads.script],
    },
  }),
);

/** Elements and links the page would have if any markup of the payloads had been parsed. */
async function injectedElements(page: Page) {
  return (await page.evaluate(`(() => {
    const all = [...document.querySelectorAll("*")];
    return {
      images: document.querySelectorAll("img").length,
      scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
      svgOnload: document.querySelectorAll("svg[onload]").length,
      handlers: all.filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).map((el) => el.tagName),
      links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
    };
  })()`)) as { images: number; scripts: string[]; svgOnload: number; handlers: string[]; links: string[] };
}

async function assertNothingRan(dashboard: DashboardPage) {
  const { page } = dashboard;
  const { xss, violations } = await dashboard.probe();
  assert.equal(xss, undefined, "no payload ran");
  assert.deepEqual(violations, [], "no Content-Security-Policy violation");
  assert.deepEqual(dashboard.problems, { dialogs: [], pageErrors: [], cspConsole: [] });
  const found = await injectedElements(page);
  assert.equal(found.images, 0);
  assert.equal(found.svgOnload, 0);
  assert.deepEqual(found.handlers, []);
  assert.equal(found.scripts.length, 1, "only the app's own script");
  assert.match(found.scripts[0] ?? "", /^\/assets\/index-[\w-]+\.js$/);
  for (const href of found.links) {
    const attribution =
      href.startsWith("https://reactflow.dev") && (await page.locator(".react-flow__attribution").count()) === 1;
    assert.ok(href.startsWith("#/") || attribution, `link ${href}`);
    assert.doesNotMatch(decodeURIComponent(href), /^javascript:/i);
  }
}

describe("markup in run data is text", { skip: browserSkipReason() }, () => {
  let server: DashboardServer;
  let browser: Browser;
  const note = `${xssPayloads.img} ${xssPayloads.script}`;

  before(async () => {
    server = await startDashboard([...createDashboardWorkflows().workflows, xssTask, xssHuman]);
    browser = await launchBrowser();
    for (const id of xssRunIds) await server.engine.startRun("xss", { note }, { id });
    for (const id of xssRunIds) await statusOf(server.engine, id, "waiting");
  });
  after(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  test("ids, inputs, step names, outputs, signals, errors and stacks are shown literally and run nothing", async () => {
    const dashboard = await openDashboard(browser, `${server.url}/#/runs`, { token: operatorToken });
    const { page } = dashboard;
    const [markupId, urlId] = xssRunIds;
    await page.getByRole("link", { name: urlId, exact: true }).waitFor();
    await page.getByRole("link", { name: markupId, exact: true }).click();
    await page.waitForURL(`**/#/runs/${encodeURIComponent(markupId)}`);
    await page.locator(".run-header .run-id", { hasText: markupId }).waitFor();
    assert.equal(await page.locator(".run-header .run-id").textContent(), markupId);

    const timeline = page.getByRole("region", { name: "Timeline" });
    for (const name of [xssPayloads.img, xssPayloads.script, xssPayloads.svg]) {
      await timeline.getByRole("button", { name }).first().waitFor();
    }
    await page.locator(".react-flow__node", { hasText: xssPayloads.script }).first().waitFor();
    const input = page.getByRole("region", { name: "Input and output" });
    await input.getByText(JSON.stringify(note)).waitFor();
    const steps = page.getByRole("region", { name: "Steps" });
    await steps.locator(".step-summary").first().click();
    await steps.getByText(JSON.stringify(xssPayloads.script)).waitFor();
    await steps.getByText(JSON.stringify(xssPayloads.url)).first().waitFor();

    const form = page.getByRole("form", { name: "Send a signal" });
    assert.equal(await form.getByLabel("Signal").inputValue(), xssPayloads.svg);
    await form.getByLabel("Payload (JSON)").fill(JSON.stringify({ html: xssPayloads.img, href: xssPayloads.url }));
    await form.getByRole("button", { name: "Send signal" }).click();
    await form.getByRole("button", { name: "Confirm" }).click();
    await page.locator(".run-header").getByText("failed", { exact: true }).waitFor();

    const error = page.getByRole("region", { name: "Run error" });
    await error.locator(".error-message", { hasText: xssPayloads.img }).first().waitFor();
    assert.ok((await error.locator(".stack pre").first().textContent())?.includes(xssPayloads.img), "the stack too");
    const history = page.getByRole("region", { name: "History" });
    const received = history.locator(".history-event", { hasText: "signal.received" });
    await received.locator(".history-details button").click();
    await received.getByText(JSON.stringify(xssPayloads.img)).waitFor();
    await assertNothingRan(dashboard);

    await page.goto(`${server.url}/#/waiting`);
    const card = page.locator(".waiting-card", { hasText: urlId });
    await card.getByText(xssPayloads.svg).waitFor();
    assert.equal(await card.getByLabel("Signal", { exact: true }).inputValue(), xssPayloads.svg);
    await card.getByRole("link", { name: urlId }).click();
    await page.waitForURL(`**/#/runs/${encodeURIComponent(urlId)}`);
    await page.locator(".run-header .run-id", { hasText: urlId }).waitFor();
    await assertNothingRan(dashboard);

    await page.goto(`${server.url}/#/workflows`);
    await page.locator(".failures .error-inline", { hasText: xssPayloads.img }).waitFor();
    await assertNothingRan(dashboard);
    await dashboard.close();
  });

  test("task names, inputs, task workers, heartbeat details and errors are shown literally and run nothing", async () => {
    const { engine } = server;
    await engine.startRun(xssTask, { note: xssPayloads.url }, { id: "xss-task-1" });
    await statusOf(engine, "xss-task-1", "waiting");
    const [first] = await engine.tasks.poll({ workerId: xssPayloads.svg, queues: ["xss"] });
    assert.ok(first);
    await engine.tasks.fail(first.token, {
      error: { message: xssPayloads.img, name: xssPayloads.script, stack: xssPayloads.svg },
    });
    const second = await eventually(
      async () => (await engine.tasks.poll({ workerId: xssPayloads.script, queues: ["xss"] }))[0],
    );
    await engine.tasks.heartbeat(second.token, { [xssPayloads.img]: xssPayloads.url });

    const dashboard = await openDashboard(browser, `${server.url}/#/tasks?queue=xss`, { token: operatorToken });
    const { page } = dashboard;
    const row = page.getByRole("row", { name: "Task xss-task-1:0" });
    await row.getByText(xssPayloads.script, { exact: true }).waitFor();
    await row.getByText(JSON.stringify({ [xssPayloads.img]: xssPayloads.url }).slice(0, 20)).waitFor();
    await row.getByRole("button", { name: xssPayloads.img }).click();
    const more = page.locator(".task-more");
    await more.getByText(JSON.stringify(xssPayloads.url)).first().waitFor();
    await more.locator(".attempt .error-message", { hasText: xssPayloads.img }).waitFor();
    await assertNothingRan(dashboard);

    await row.getByRole("link", { name: "xss-task-1" }).click();
    await page.waitForURL("**/#/runs/xss-task-1");
    const call = page.getByRole("region", { name: "Steps" }).locator(".step-item", { hasText: xssPayloads.img });
    await call.getByText(`leased by ${xssPayloads.script}`).waitFor();
    await call.locator(".step-summary").click();
    await call
      .locator(".attempt", { hasText: xssPayloads.svg })
      .locator(".error-message")
      .getByText(xssPayloads.img)
      .waitFor();
    await call.getByText(JSON.stringify(xssPayloads.script)).waitFor();
    await page.locator(".react-flow__node.kind-task", { hasText: xssPayloads.img }).waitFor();
    await engine.tasks.complete(second.token, { html: xssPayloads.img });
    await page.locator(".run-header").getByText("completed", { exact: true }).waitFor();
    const history = page.getByRole("region", { name: "History" });
    await history
      .locator(".history-event", { hasText: "task.completed" })
      .getByText(`by ${xssPayloads.script}`)
      .waitFor();
    await assertNothingRan(dashboard);
    await dashboard.close();
  });

  test("human tasks' titles, descriptions, contexts, forms, issues and answers are shown literally and run nothing", async () => {
    const { engine } = server;
    await engine.startRun(xssHuman, { note: xssPayloads.url }, { id: "xss-human-1" });
    await eventually(async () => (await engine.humanTasks.list({ runId: "xss-human-1" })).humanTasks[0]);

    const dashboard = await openDashboard(browser, `${server.url}/#/inbox`, { token: operatorToken });
    const { page } = dashboard;
    const row = page.getByRole("row", { name: "Human task xss-human-1:0" });
    await row.getByRole("link", { name: xssPayloads.url, exact: true }).waitFor();
    await row.getByRole("link", { name: xssPayloads.svg, exact: true }).waitFor();
    await assertNothingRan(dashboard);
    await row.getByRole("link", { name: xssPayloads.script, exact: true }).click();
    await page.waitForURL("**/#/inbox/xss-human-1%3A0");
    assert.equal(await page.locator(".human-task-heading").textContent(), xssPayloads.script);
    const description = page.getByRole("region", { name: "Description" }).locator(".plain-text");
    assert.equal(await description.innerText(), `${xssPayloads.img}\n${xssPayloads.svg}`);
    await page.getByRole("region", { name: "Context" }).getByText(JSON.stringify(xssPayloads.url)).waitFor();
    const form = page.getByRole("form", { name: "Answer the human task" });
    await form.locator(".form-description", { hasText: xssPayloads.svg }).waitFor();
    await form.locator(".field-hint", { hasText: xssPayloads.svg }).waitFor();
    await form.getByRole("checkbox", { name: xssPayloads.img }).check();
    await form.getByRole("button", { name: "Complete" }).click();
    await form.locator(".field-issue", { hasText: xssPayloads.script }).waitFor();
    await assertNothingRan(dashboard);

    await form.getByRole("combobox", { name: xssPayloads.img }).selectOption({ label: xssPayloads.url });
    await form.getByLabel("Comment (optional)").fill(xssPayloads.img);
    await form.getByRole("button", { name: "Complete" }).click();
    const answer = page.getByRole("region", { name: "Answer" });
    await answer.locator(".plain-text", { hasText: xssPayloads.img }).waitFor();
    await answer.getByText(JSON.stringify(xssPayloads.url)).waitFor();
    await assertNothingRan(dashboard);

    await page.locator(".human-task-header").getByRole("link", { name: "xss-human-1" }).click();
    await page.waitForURL("**/#/runs/xss-human-1");
    const call = page.getByRole("region", { name: "Steps" }).locator(".step-item", { hasText: xssPayloads.img });
    await call.getByText(xssPayloads.script).first().waitFor();
    await call.locator(".step-summary").click();
    await call.locator(".facts .plain-text", { hasText: xssPayloads.img }).waitFor();
    await call.getByText(`${xssPayloads.url} · role ${xssPayloads.svg}`).waitFor();
    await page.locator(".react-flow__node.kind-human_task", { hasText: xssPayloads.img }).waitFor();
    await page
      .getByRole("region", { name: "History" })
      .locator(".history-event", { hasText: "human_task.created" })
      .getByText(`for ${xssPayloads.url} · role ${xssPayloads.svg}`)
      .waitFor();
    await assertNothingRan(dashboard);
    await dashboard.close();
  });

  test("markup in the URL's hash is not run either", async () => {
    const dashboard = await openDashboard(
      browser,
      `${server.url}/#/runs/${encodeURIComponent(xssPayloads.img)}?idContains=${encodeURIComponent(xssPayloads.script)}`,
      { token: operatorToken },
    );
    const { page } = dashboard;
    await page.getByRole("alert").getByText("INVALID_REQUEST", { exact: false }).waitFor();
    await page.locator(".breadcrumbs .mono", { hasText: xssPayloads.img }).waitFor();
    await page.goto(
      `${server.url}/#/runs?idContains=${encodeURIComponent(xssPayloads.script)}&workflow=${encodeURIComponent(xssPayloads.img)}`,
    );
    await page.getByRole("alert").first().waitFor();
    await assertNothingRan(dashboard);
    await dashboard.close();
  });
});
