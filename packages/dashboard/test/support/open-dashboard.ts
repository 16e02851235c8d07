/**
 * Opens the dashboard in a new browser context, with the token in session
 * storage, and records what a page must never do: open a dialog, set
 * `window.__xss`, throw, or break the Content-Security-Policy.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

/** What the page did that it should not have. */
export interface PageProblems {
  dialogs: string[];
  pageErrors: string[];
  /** Console lines about the Content-Security-Policy. */
  cspConsole: string[];
}

/** A page of the dashboard and what it recorded. */
export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  /** `window.__xss` and the `securitypolicyviolation` events seen so far. */
  probe(): Promise<{ xss: unknown; violations: string[] }>;
  close(): Promise<void>;
}

const watchViolations = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
  });
`;

/** Opens `url` (the server's base URL plus a hash route) as the holder of `token` (none: no token). */
export async function openDashboard(
  browser: Browser,
  url: string,
  options: { token?: string; viewport?: { width: number; height: number } } = {},
): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 1000 } });
  context.setDefaultTimeout(10_000);
  await context.addInitScript({ content: watchViolations });
  if (options.token) {
    await context.addInitScript({
      content: `sessionStorage.setItem("baton.token", ${JSON.stringify(options.token)});`,
    });
  }
  const page = await context.newPage();
  const problems: PageProblems = { dialogs: [], pageErrors: [], cspConsole: [] };
  page.on("dialog", (dialog) => {
    problems.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (error) => problems.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.cspConsole.push(message.text());
  });
  await page.goto(url);
  return {
    context,
    page,
    problems,
    probe: () =>
      page.evaluate("({ xss: window.__xss, violations: window.__cspViolations ?? [] })") as Promise<{
        xss: unknown;
        violations: string[];
      }>,
    close: () => context.close(),
  };
}
