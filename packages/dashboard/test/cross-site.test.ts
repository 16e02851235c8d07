/**
 * Pages of other origins cannot drive a Baton server that has no token:
 * from a real browser, an attacker's page on another loopback origin (the
 * same host on another port, which is "same-site", and `localhost`, which
 * is "cross-site") tries the requests a browser sends without asking first
 * (HTML forms, `no-cors` fetches) and one it must ask for (a JSON fetch,
 * stopped by the preflight); a page of a name that resolves to the server
 * (DNS rebinding: `rebind.test` mapped to 127.0.0.1) tries the API as its
 * own origin. The runs stay as they were, and the server saw and refused
 * every request that reached it. Only loopback is ever connected to.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { type RunningServer, startServer } from "@baton/server";
import { defineWorkflow, type Engine, FatalError } from "baton";
import type { Browser, Page } from "playwright-core";
import { startEngine, statusOf } from "../../baton/test/helpers.js";
import { browserSkipReason, launchBrowser } from "./support/launch-browser.js";

/** A request the Baton server received, and its answer's status once sent. */
interface SeenRequest {
  method: string;
  url: string;
  host: string;
  /** The browser's `Sec-Fetch-Site`. */
  site?: string;
  status?: number;
}

/** Records every request a server receives; `until` waits for one to be answered. */
function recordRequests(server: Server) {
  const seen: SeenRequest[] = [];
  const waiters: { match: (entry: SeenRequest) => boolean; resolve: (entry: SeenRequest) => void }[] = [];
  server.prependListener("request", (request, response) => {
    const entry: SeenRequest = {
      method: request.method ?? "",
      url: request.url ?? "",
      host: request.headers.host ?? "",
      site: request.headers["sec-fetch-site"] as string | undefined,
    };
    seen.push(entry);
    response.once("finish", () => {
      entry.status = response.statusCode;
      for (const waiter of [...waiters]) {
        if (!waiter.match(entry)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    });
  });
  return {
    seen,
    /** The first answered request `match` accepts (waits for it). */
    until(match: (entry: SeenRequest) => boolean): Promise<SeenRequest> {
      const found = seen.find((entry) => entry.status !== undefined && match(entry));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** The attacker's site: a blank page at `/`, and at `/form` a form that submits itself on load. */
async function startAttackerSite(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://attacker");
    let body = "<!doctype html><title>attacker</title>";
    if (url.pathname === "/form") {
      const action = (url.searchParams.get("action") ?? "").replaceAll('"', "&quot;");
      const enctype = (url.searchParams.get("enctype") ?? "").replaceAll('"', "&quot;");
      body += `<form method="POST" action="${action}" enctype="${enctype}"></form><script>document.forms[0].submit()</script>`;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const waiter = defineWorkflow("waiter", async (ctx) => {
  await ctx.waitForSignal<unknown>("go");
  return "went";
});
const broken = defineWorkflow("broken", async (ctx) => {
  await ctx.step("break", () => {
    throw new FatalError("broken on purpose");
  });
});

/** Both runs are as they were before the attacks: the waiter still waits, uncancelled; the broken run is still failed. */
async function assertRunsUnchanged(engine: Engine) {
  const waiting = await engine.getRun("waiter-1");
  assert.equal(waiting.status, "waiting");
  assert.equal(waiting.cancelRequested, false);
  assert.equal((await engine.getRun("broken-1")).status, "failed");
}

/** The API's error code in a JSON answer, or `undefined`. */
function errorCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describe("requests from pages of other origins", { skip: browserSkipReason() }, () => {
  let engine: Engine;
  let server: RunningServer;
  let requests: ReturnType<typeof recordRequests>;
  let attacker: Awaited<ReturnType<typeof startAttackerSite>>;
  let browser: Browser;

  before(async () => {
    engine = await startEngine([waiter, broken]);
    server = await startServer({
      engine,
      port: 0,
      logger: { error: (message, error) => console.error(message, error) },
    });
    requests = recordRequests(server.server);
    attacker = await startAttackerSite();
    // rebind.test is the attacker's name once rebound to this machine; every other name resolves to nothing.
    browser = await launchBrowser([
      "--host-resolver-rules=MAP rebind.test 127.0.0.1, MAP localhost 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]);
    await engine.startRun("waiter", {}, { id: "waiter-1" });
    await engine.startRun("broken", {}, { id: "broken-1" });
    await statusOf(engine, "waiter-1", "waiting");
    await statusOf(engine, "broken-1", "failed");
  });
  after(async () => {
    await browser?.close();
    await attacker?.close();
    await server?.close();
    await engine?.[Symbol.asyncDispose]();
  });

  for (const [site, attackerHost] of [
    ["same-site", "127.0.0.1"],
    ["cross-site", "localhost"],
  ] as const) {
    test(`a ${site} page (${attackerHost}, another port) cannot cancel, resume or signal a run`, async () => {
      const origin = `http://${attackerHost}:${attacker.port}`;
      const tag = attackerHost === "localhost" ? "cross" : "same";
      const page: Page = await (await browser.newContext()).newPage();
      try {
        // Forms: a navigation the browser sends anywhere, bodyless (urlencoded, no field) and as text/plain.
        for (const [name, path, enctype] of [
          ["form-cancel", "/api/runs/waiter-1/cancel", "application/x-www-form-urlencoded"],
          ["form-resume", "/api/runs/broken-1/resume", "text/plain"],
        ] as const) {
          const action = `${server.url}${path}?attack=${tag}-${name}`;
          const [response] = await Promise.all([
            page.waitForResponse((response) => response.url() === action),
            page.goto(`${origin}/form?${new URLSearchParams({ action, enctype })}`, { waitUntil: "commit" }),
          ]);
          assert.equal(response.status(), 403, `${name}: ${await response.text()}`);
          assert.equal(errorCode(await response.text()), "CROSS_SITE_REQUEST");
        }

        // no-cors fetches: sent without a preflight, answers unreadable; with a text/plain body and without.
        await page.goto(`${origin}/`);
        const noCors = [
          ["cancel-text", "/api/runs/waiter-1/cancel", "{}"],
          ["cancel-empty", "/api/runs/waiter-1/cancel", null],
          ["resume-text", "/api/runs/broken-1/resume", "{}"],
          ["resume-empty", "/api/runs/broken-1/resume", null],
          ["signal-text", "/api/runs/waiter-1/signals", '{"name":"go"}'],
        ] as const;
        for (const [name, path, body] of noCors) {
          const url = `${server.url}${path}?attack=${tag}-${name}`;
          const type = await page.evaluate(
            async ([url, body]) => {
              const init: RequestInit = { method: "POST", mode: "no-cors" };
              if (body !== null) Object.assign(init, { body, headers: { "content-type": "text/plain" } });
              return (await fetch(url, init)).type;
            },
            [url, body] as const,
          );
          assert.equal(type, "opaque", name);
          const seen = await requests.until((entry) => entry.url === `${path}?attack=${tag}-${name}`);
          assert.equal(seen.method, "POST", name);
          assert.equal(seen.status, 403, `${name} reached the server and was refused`);
        }

        // A JSON fetch must ask first: the server's answer to the preflight allows nothing, so the POST is never sent.
        const jsonPath = `/api/runs/waiter-1/cancel?attack=${tag}-json`;
        const outcome = await page.evaluate(async (url) => {
          try {
            const response = await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: "{}",
            });
            return `answered ${response.status}`;
          } catch (error) {
            return `refused: ${(error as Error).name}`;
          }
        }, `${server.url}${jsonPath}`);
        assert.equal(outcome, "refused: TypeError");
        const preflight = await requests.until((entry) => entry.url === jsonPath);
        assert.equal(preflight.method, "OPTIONS");
        assert.deepEqual(
          requests.seen.filter((entry) => entry.url === jsonPath).map((entry) => entry.method),
          ["OPTIONS"],
          "the POST itself never reached the server",
        );
      } finally {
        await page.context().close();
      }
      await assertRunsUnchanged(engine);
      const attacks = requests.seen.filter((entry) => entry.method === "POST" && entry.url.includes(`attack=${tag}-`));
      assert.equal(attacks.length, 7, "every form and no-cors fetch reached the server");
      assert.ok(
        attacks.every((entry) => entry.status === 403 && entry.site === site),
        `refused, and marked ${site} by the browser: ${JSON.stringify(attacks)}`,
      );
    });
  }

  /**
   * Chromium keeps pages of public addresses from reaching loopback ones, but
   * other browsers do not: the attacker's page here is already on the rebound
   * name (its document is whatever the server answers), and its script runs in it.
   */
  async function openRebound(port: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://rebind.test:${port}/attacker-page`);
    return { page, close: () => context.close() };
  }

  test("a page of another name that resolves to the server (DNS rebinding) can neither read nor change runs", async () => {
    const port = new URL(server.url).port;
    const rebound = await openRebound(port);
    let answers: Record<string, { status: number; text: string }>;
    try {
      answers = await rebound.page.evaluate(async () => {
        const list = await fetch("/api/runs");
        const run = await fetch("/api/runs/waiter-1");
        const cancel = await fetch("/api/runs/waiter-1/cancel", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        return {
          list: { status: list.status, text: await list.text() },
          run: { status: run.status, text: await run.text() },
          cancel: { status: cancel.status, text: await cancel.text() },
        };
      });
    } finally {
      await rebound.close();
    }
    for (const [name, answer] of Object.entries(answers)) {
      assert.equal(answer.status, 403, `${name}: ${answer.text}`);
      assert.equal(errorCode(answer.text), "HOST_NOT_ALLOWED", name);
      assert.match(answer.text, /rebind\.test/, `${name} names the host`);
      assert.match(answer.text, /--allowed-host/, `${name} says how to allow it`);
    }
    const seen = requests.seen.filter((entry) => entry.host === `rebind.test:${port}` && entry.url.startsWith("/api/"));
    assert.deepEqual(
      seen.map((entry) => `${entry.method} ${entry.url} ${entry.status}`),
      ["GET /api/runs 403", "GET /api/runs/waiter-1 403", "POST /api/runs/waiter-1/cancel 403"],
    );
    await assertRunsUnchanged(engine);
  });

  test("a name in allowedHosts is served", async () => {
    await using allowed = await startServer({ engine, port: 0, allowedHosts: ["rebind.test"] });
    const rebound = await openRebound(new URL(allowed.url).port);
    try {
      const listed = await rebound.page.evaluate(async () => {
        const response = await fetch("/api/runs");
        const body = (await response.json()) as { runs: { id: string }[] };
        return { status: response.status, ids: body.runs.map((run) => run.id) };
      });
      assert.equal(listed.status, 200);
      assert.deepEqual([...listed.ids].sort(), ["broken-1", "waiter-1"]);
    } finally {
      await rebound.close();
    }
  });
});
