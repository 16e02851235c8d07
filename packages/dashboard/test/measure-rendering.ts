/**
 * Measures, in chromium, how fast the dashboard renders big pages: the runs
 * view with 1,000 rows (one page of 1,000) and the run view of a run with
 * 500 steps (timeline, graph, step list, history). Times are from the
 * start of navigation to the moment the rows are in the DOM (a
 * MutationObserver), and the page's long tasks (over 50 ms) come from a
 * PerformanceObserver, from navigation to a few seconds after (live
 * updates included). Times are the median of three loads; long tasks are
 * listed for each load.
 *
 * Usage: npm run measure -w @baton/dashboard
 */
import type { Browser } from "playwright-core";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { createDashboardWorkflows } from "./support/dashboard-workflows.js";
import { launchBrowser } from "./support/launch-browser.js";
import { openDashboard } from "./support/open-dashboard.js";
import { operatorToken, startDashboard } from "./support/start-dashboard.js";

/** Records when `selector` first matches `count` elements, and every long task. */
const instrument = (selectors: Record<string, [string, number]>) => `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
  window.__seen = {};
  const selectors = ${JSON.stringify(selectors)};
  new MutationObserver(() => {
    for (const [name, [selector, count]] of Object.entries(selectors)) {
      if (window.__seen[name] === undefined && document.querySelectorAll(selector).length >= count) {
        window.__seen[name] = performance.now();
      }
    }
  }).observe(document, { childList: true, subtree: true });
`;

interface Sample {
  seen: Record<string, number>;
  longTasks: { start: number; duration: number }[];
}

async function load(browser: Browser, url: string, selectors: Record<string, [string, number]>, watchMs: number) {
  const dashboard = await openDashboard(browser, "about:blank", { token: operatorToken });
  await dashboard.context.addInitScript({ content: instrument(selectors) });
  await dashboard.page.goto(url);
  await eventually(
    async () =>
      Object.keys((await dashboard.page.evaluate("window.__seen")) as object).length === Object.keys(selectors).length,
    60_000,
  );
  await dashboard.page.waitForTimeout(watchMs);
  const sample = (await dashboard.page.evaluate("({ seen: window.__seen, longTasks: window.__longTasks })")) as Sample;
  await dashboard.close();
  return sample;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${Math.round(value)} ms`;

async function measure(
  browser: Browser,
  label: string,
  url: string,
  selectors: Record<string, [string, number]>,
  watchMs: number,
) {
  const samples: Sample[] = [];
  for (let i = 0; i < 3; i++) samples.push(await load(browser, url, selectors, watchMs));
  const rows: string[][] = [];
  for (const name of Object.keys(selectors)) {
    rows.push([label, `${name} in the DOM`, ms(median(samples.map((s) => s.seen[name] ?? Number.NaN)))]);
  }
  rows.push([
    label,
    `tasks over 50 ms, load and ${watchMs / 1000} s after`,
    samples.map((s) => s.longTasks.length).join(", "),
  ]);
  rows.push([
    label,
    `longest task, load and ${watchMs / 1000} s after`,
    samples.map((s) => ms(Math.max(0, ...s.longTasks.map((t) => t.duration)))).join(", "),
  ]);
  return rows;
}

const { workflows, controls } = createDashboardWorkflows();
controls.failInvoice = false;
await using server = await startDashboard(workflows);
const { engine } = server;
for (let i = 0; i < 1000; i++) {
  await engine.startRun("invoice", { invoice: `INV-${i}`, amount: i }, { id: `invoice-${String(i).padStart(4, "0")}` });
}
await engine.startRun("long", { steps: 500 }, { id: "long-500" });
await statusOf(engine, "long-500", "completed", 120_000);
await eventually(
  async () => (await engine.listRuns({ status: "completed", limit: 1000 })).runs.length === 1000,
  120_000,
);
const run = await engine.getRun("long-500");
const history = await engine.getHistory("long-500");

const browser = await launchBrowser();
try {
  const rows = [
    ...(await measure(
      browser,
      "runs view, 1,000 rows",
      `${server.url}/#/runs?limit=1000`,
      { "first 100 rows": [".runs-table tbody tr", 100], "1,000 rows": [".runs-table tbody tr", 1000] },
      6000,
    )),
    ...(await measure(
      browser,
      `run view, ${run.steps.length} steps, ${history.length} history events`,
      `${server.url}/#/runs/long-500`,
      {
        "step list (first 100)": [".step-item", 100],
        "timeline, first 100 rows": [".timeline-row.row-step", 100],
        [`timeline, all ${run.steps.length} rows`]: [".timeline-row.row-step", run.steps.length],
        graph: [".react-flow__node", 5],
      },
      3000,
    )),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const row of rows) console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`);
} finally {
  await browser.close();
}
