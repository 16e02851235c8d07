/**
 * Debian's chromium, driven by playwright-core (which never downloads a
 * browser). When chromium is missing the browser tests fail under
 * `CI=true` and are skipped, loudly, elsewhere.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where chromium is looked for (`BATON_CHROMIUM` overrides). */
export const chromiumPath = process.env.BATON_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Why the browser tests cannot run here, or `undefined` when they can.
 * @throws Error under `CI=true` when chromium is missing.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  const message = `chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(`FAIL: ${message}; the dashboard's browser tests cannot run`);
  console.warn(`\nWARNING: ${message}: SKIPPING the dashboard's browser tests. Under CI=true this fails.\n`);
  return message;
}

/** Starts headless chromium, with `args` added to its command line (default: none). */
export function launchBrowser(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", ...args],
  });
}
