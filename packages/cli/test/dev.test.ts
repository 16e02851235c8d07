import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { findPort } from "../src/find-port.js";
import { createProject } from "./project.js";
import { getWithHost } from "./request-with-host.js";
import { runBaton, spawnBaton } from "./run-baton.js";

const greet = `import { defineWorkflow } from "baton";

export const greet = defineWorkflow("greet", async (ctx, name: string) => {
  const approved = await ctx.waitForSignal<boolean>("approve");
  return ctx.step("finish", () => (approved ? \`Hello, \${name}\` : "no"));
});
`;

const farewell = `
export const farewell = defineWorkflow("farewell", async (ctx, name: string) => ctx.step("say", () => \`Bye, \${name}\`));
`;

test("dev restarts on a change: a new workflow becomes startable, a run in flight survives, a broken module waits", async () => {
  const dir = createProject({ "flows.ts": greet });
  const port = await findPort("127.0.0.1", 0);
  const url = `http://127.0.0.1:${port}`;
  // The store is in the watched folder: its writes must not restart anything.
  const dev = spawnBaton(["dev", "flows.ts", "--port", String(port), "--store", `sqlite:${join(dir, "b.db")}`], {
    cwd: dir,
    env: { BATON_TOKEN: "ignored-by-dev", BATON_READ_TOKEN: "ignored-by-dev", BATON_WORKER_TOKEN: "ignored-by-dev" },
  });
  const baton = (args: string[]) => runBaton([...args, "--url", url], { cwd: dir });
  try {
    assert.equal(await dev.waitForLine(/^serving /), `serving ${url} on sqlite:${join(dir, "b.db")}, running greet@1`);
    const waiting = await baton(["runs", "start", "greet", "--input", '"Ada"', "--id", "d-1"]);
    assert.equal(waiting.code, 0, waiting.stderr);
    const notYet = await baton(["runs", "start", "farewell", "--input", '"Ada"']);
    assert.equal(notYet.code, 1);
    assert.match(notYet.stderr, /^error: UNKNOWN_WORKFLOW: /);

    // Changes in node_modules, dot-folders and non-source files are ignored: the
    // one restart, for flows.ts changed after them, names flows.ts alone.
    let seen = dev.stdout().length;
    mkdirSync(join(dir, ".cache"));
    writeFileSync(join(dir, ".cache", "x.ts"), "export {};\n");
    writeFileSync(join(dir, "node_modules", "y.ts"), "export {};\n");
    writeFileSync(join(dir, "notes.log"), "hello\n");
    appendFileSync(join(dir, "flows.ts"), farewell);
    assert.equal(await dev.waitForLine(/changed: restarting$/, seen), "[dev] flows.ts changed: restarting");
    assert.match(await dev.waitForLine(/^serving /, seen), /running farewell@1, greet@1$/);
    const restartsSince = (from: number) =>
      dev
        .stdout()
        .slice(from)
        .match(/changed: restarting/g)?.length ?? 0;
    const restartsFrom = seen;
    const bye = await baton(["runs", "start", "farewell", "--input", '"Ada"', "--id", "d-2"]);
    assert.equal(bye.code, 0, bye.stderr);
    const byeShown = await baton(["runs", "show", "d-2", "--follow"]);
    assert.match(byeShown.stdout, /output "Bye, Ada"\n$/);

    // The run started before the restart continues in the new server.
    await baton(["runs", "signal", "d-1", "approve", "--payload", "true"]);
    const shown = await baton(["runs", "show", "d-1", "--follow"]);
    assert.match(shown.stdout, /output "Hello, Ada"\n$/);

    assert.equal(restartsSince(restartsFrom), 1, "one restart, for flows.ts");
    seen = dev.stdout().length;
    writeFileSync(join(dir, "flows.ts"), `${greet}\nexport const broken = (;\n`);
    await dev.waitForLine(/the server stopped \(exit code 1\); waiting for a change to restart$/, seen);
    assert.match(dev.stderr(), /error: cannot load flows\.ts/);
    seen = dev.stdout().length;
    writeFileSync(join(dir, "flows.ts"), greet);
    assert.match(await dev.waitForLine(/^serving /, seen), /running greet@1$/);
  } finally {
    const result = await dev.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\[dev\] SIGTERM: stopped/);
  }
  // The server process has ended with the watcher: its port is free again.
  assert.equal(await findPort("127.0.0.1", port), port);
});

test("dev refuses a port in use, and a module that does not exist; it answers the names of --allowed-host", async () => {
  const dir = createProject({ "flows.ts": greet });
  const missing = await runBaton(["dev", "nowhere.ts"], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: module not found: nowhere\.ts/);

  const port = await findPort("127.0.0.1", 0);
  const dev = spawnBaton(
    ["dev", "flows.ts", "--port", String(port), "--store", `sqlite:${join(dir, "b.db")}`, "--allowed-host", "dev.test"],
    { cwd: dir },
  );
  try {
    await dev.waitForLine(/^serving /);
    const url = `http://127.0.0.1:${port}`;
    assert.equal((await getWithHost(url, "/api/runs", `dev.test:${port}`)).status, 200);
    assert.equal((await getWithHost(url, "/api/runs", `rebind.test:${port}`)).status, 403);
    const second = await runBaton(["dev", "flows.ts", "--port", String(port)], { cwd: dir });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${port}: the address is in use`));
  } finally {
    await dev.stop();
  }
});
