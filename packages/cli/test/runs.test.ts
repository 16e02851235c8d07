import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { clientWorkflows, createProject } from "./project.js";
import { batonBin, runBaton, spawnBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

/** Runs `baton ...args --json` against the server and parses what it printed. */
async function json(args: string[], url: string, cwd?: string) {
  const result = await runBaton([...args, "--json"], { cwd, env: { BATON_URL: url } });
  assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test("runs start, show, signal, cancel, resume, fork, list and events send print the API's answers", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url } = await startServe(["flows.ts", "--store", `sqlite:${join(dir, "b.db")}`], { cwd: dir });
  try {
    // A failure names what the server logged (an INTERNAL answer's cause is only there).
    process.on("exit", (code) => {
      if (code !== 0) console.error(`baton serve said:\n${server.stderr()}`);
    });
    const started = await json(["runs", "start", "greet", "--input", '"Ada"', "--id", "r-1"], url);
    assert.equal(started.created, true);
    assert.deepEqual([started.run.id, started.run.workflow, started.run.version], ["r-1", "greet", "1"]);
    const again = await json(["runs", "start", "greet", "--input", '"Ada"', "--id", "r-1"], url);
    assert.equal(again.created, false);

    writeFileSync(join(dir, "input.json"), '"Bob"');
    const fromFile = await json(
      ["runs", "start", "greet", "--input-file", join(dir, "input.json"), "--id", "r-2"],
      url,
    );
    assert.equal(fromFile.run.id, "r-2");

    assert.deepEqual(await json(["runs", "signal", "r-1", "approve", "--payload", "true"], url), {
      runId: "r-1",
      name: "approve",
    });
    const followed = await runBaton(["runs", "show", "r-1", "--follow", "--url", url]);
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /\d\d:\d\d:\d\d output "Hello, Ada"\n$/);
    const shown = await json(["runs", "show", "r-1"], url);
    assert.equal(shown.status, "completed");
    assert.equal(shown.output, "Hello, Ada");
    assert.deepEqual(
      shown.steps.map((step: { kind: string; name: string; status: string }) => [step.kind, step.name, step.status]),
      [
        ["step", "compose", "completed"],
        ["signal", "approve", "completed"],
        ["step", "finish", "completed"],
      ],
    );

    const human = await runBaton(["runs", "show", "r-1", "--url", url]);
    assert.match(human.stdout, /^run r-1 {2}greet@1 {2}completed\n/);
    assert.match(human.stdout, /\n {2}1 {2}signal {2}approve {2}completed {2}/);

    assert.deepEqual(await json(["runs", "cancel", "r-2"], url), { runId: "r-2" });
    const cancelled = await runBaton(["runs", "show", "r-2", "--follow", "--json", "--url", url]);
    const updates = cancelled.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(updates.at(-1).status, "cancelled");

    // `check` fails until the file "ok" exists; then resume completes it.
    await json(["runs", "start", "check", "--id", "c-1"], url);
    const failed = await runBaton(["runs", "show", "c-1", "--follow", "--url", url]);
    assert.match(
      failed.stdout,
      /run c-1 check@1 failed\n[\s\S]*error STEP_FAILED: step "look" failed: no file named ok/,
    );
    writeFileSync(join(dir, "ok"), "");
    assert.deepEqual(await json(["runs", "resume", "c-1"], url), { runId: "c-1" });
    await runBaton(["runs", "show", "c-1", "--follow", "--url", url]);
    assert.equal((await json(["runs", "show", "c-1"], url)).output, "found");

    const forked = await json(["runs", "fork", "r-1", "--from-step", "finish", "--id", "r-1b"], url);
    assert.equal(forked.run.id, "r-1b");
    const badStep = await runBaton(["runs", "fork", "r-1", "--from-step", "7", "--url", url]);
    assert.equal(badStep.code, 1);
    assert.match(badStep.stderr, /^error: INVALID_STEP: /);

    const receipt = await json(["events", "send", "user.created", "--payload", '{"name":"Cy"}', "--id", "ev-1"], url);
    assert.deepEqual(receipt, { id: "ev-1", created: true, started: ["ev-1:welcome"], delivered: [] });

    const page = await json(["runs", "list", "--workflow", "greet", "--limit", "2"], url);
    assert.equal(page.runs.length, 2);
    assert.ok(page.nextCursor);
    const rest = await json(["runs", "list", "--workflow", "greet", "--cursor", page.nextCursor], url);
    assert.deepEqual([...page.runs, ...rest.runs].map((run: { id: string }) => run.id).sort(), ["r-1", "r-1b", "r-2"]);
    const cancelledOnly = await json(["runs", "list", "--status", "cancelled,failed", "--since", "1h"], url);
    assert.deepEqual(
      cancelledOnly.runs.map((run: { id: string }) => run.id),
      ["r-2"],
    );
    const searched = await json(["runs", "list", "--id-contains", "R-1"], url);
    assert.deepEqual(searched.runs.map((run: { id: string }) => run.id).sort(), ["r-1", "r-1b"]);
    const byQueue = await json(["runs", "list", "--queue", "default", "--workflow", "greet"], url);
    assert.deepEqual(byQueue.runs.map((run: { id: string }) => run.id).sort(), ["r-1", "r-1b", "r-2"]);
    assert.deepEqual((await json(["runs", "list", "--queue", "mail"], url)).runs, []);
    const table = await runBaton(["runs", "list", "--workflow", "check", "--url", url]);
    assert.match(
      table.stdout,
      /^ID {3}WORKFLOW {2}STATUS {5}CREATED {14}DURATION\nc-1 {2}check@1 {3}completed {2}\d{4}-/,
    );
  } finally {
    const result = await server.stop();
    assert.equal(result.code, 0, result.stderr);
  }
});

test("runs show --follow prints one line per change when piped, until the run ends", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url } = await startServe(["flows.ts", "--store", `sqlite:${join(dir, "b.db")}`], { cwd: dir });
  try {
    await json(["runs", "start", "greet", "--input", '"Di"', "--id", "f-1"], url);
    const follow = spawnBaton(["runs", "show", "f-1", "--follow", "--url", url]);
    await follow.waitForLine(/step 1 signal approve waiting/);
    await json(["runs", "signal", "f-1", "approve", "--payload", "false"], url);
    const result = await follow.exited;
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.replace(/^\d\d:\d\d:\d\d /, ""));
    assert.equal(lines[0], "run f-1 greet@1 waiting");
    assert.deepEqual(lines.slice(-2), ["run completed", 'output "not approved"'], result.stdout);
    const signal = lines.findIndex((line) => line.startsWith("step 1 signal approve completed"));
    const finish = lines.findIndex((line) => line.startsWith("step 2 finish completed"));
    assert.ok(signal > 0 && finish > signal, result.stdout);
    // A read may catch step 2 done while the run has not finished yet: only the
    // run's own status may come between.
    assert.ok(
      lines.slice(finish + 1, -2).every((line) => line === "run running"),
      result.stdout,
    );
    assert.ok(
      lines.some((line) => /^step 0 compose completed in \d+ms$/.test(line)),
      result.stdout,
    );
  } finally {
    await server.stop();
  }
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

test("runs show --follow on a terminal redraws the run in place", {
  // Under CI a missing `script` (util-linux) fails the test rather than skipping it.
  skip: !hasScript && process.env.CI !== "true" && "no `script` command to make a terminal",
}, async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url } = await startServe(["flows.ts", "--store", `sqlite:${join(dir, "b.db")}`], { cwd: dir });
  // `script` runs the command on a pseudo-terminal and copies what it printed.
  const { FORCE_COLOR: _forced, ...withoutForceColor } = process.env;
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(batonBin)} runs show t-1 --follow`;
  let terminal: ChildProcess | undefined;
  try {
    await json(["runs", "start", "greet", "--input", '"Ty"', "--id", "t-1"], url);
    const started = spawn("script", ["-qefc", command, "/dev/null"], {
      env: { ...withoutForceColor, BATON_URL: url, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    terminal = started;
    const { stdout } = started;
    let output = "";
    stdout.setEncoding("utf8");
    const ended = new Promise<number | null>((resolve) => started.on("exit", resolve));
    const waiting = new Promise<void>((resolve, reject) => {
      stdout.on("data", (chunk: string) => {
        output += chunk;
        if (/approve\s+waiting/.test(output)) resolve();
      });
      void ended.then((code) => reject(new Error(`ended (${code}) before showing the wait: ${output}`)));
    });
    await waiting;
    await json(["runs", "signal", "t-1", "approve", "--payload", "true"], url);
    assert.equal(await ended, 0, output);
    const esc = String.fromCharCode(27);
    const redraws = output.split(new RegExp(`${esc}\\[(\\d+)A${esc}\\[0J`));
    assert.ok(redraws.length >= 3, `no redraw in ${JSON.stringify(output)}`);
    const last = redraws.at(-1) as string;
    assert.match(last, /^run t-1 {2}greet@1 {2}completed\r?\n/);
    assert.match(last, /output +"Hello, Ty"/);
    // Each redraw moves up over exactly the lines drawn before it.
    const drawnBefore = (redraws.at(-3) as string).split("\n").length - 1;
    assert.equal(Number(redraws.at(-2)), drawnBefore);
  } finally {
    terminal?.kill("SIGKILL");
    await server.stop();
  }
});
