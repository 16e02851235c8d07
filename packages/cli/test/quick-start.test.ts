import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { eventually, tempDir } from "../../baton/test/helpers.js";
import { findPort } from "../src/find-port.js";

const repository = fileURLToPath(new URL("../../..", import.meta.url));

/** The shell commands of the README's quick start: its first block (the server) and its second (the client). */
function quickStart(): { server: string; client: string[] } {
  const readme = readFileSync(join(repository, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("## Quick start"),
    readme.indexOf("\n## ", readme.indexOf("## Quick start") + 1),
  );
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
    (match[1] as string)
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#")),
  );
  assert.equal(blocks.length, 2, "the quick start has a server block and a client block");
  return { server: (blocks[0] as string[])[0] as string, client: blocks[1] as string[] };
}

/** Runs a shell command line to its end, in its own process group. */
function sh(command: string, env: NodeJS.ProcessEnv) {
  const child = spawn("sh", ["-c", command], { cwd: repository, env, detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {}
  };
  return { exited, kill, output: () => stdout };
}

test("the README's quick start works as written: baton dev, curl, runs start, signal, show --follow, list", async () => {
  const { server, client } = quickStart();
  assert.equal(server, "npx baton dev examples/order.ts");
  const port = String(await findPort("127.0.0.1", 0));
  // A store of its own, and the port the OS gave: the only changes to what the README says.
  const env = {
    ...process.env,
    BATON_STORE: `sqlite:${join(tempDir("baton-quick-"), "baton.db")}`,
    BATON_URL: `http://127.0.0.1:${port}`,
    NO_COLOR: "1",
  };
  const dev = sh(`${server} --port ${port}`, env);
  try {
    await eventually(() => /^serving /m.test(dev.output()), 60_000).catch(() =>
      assert.fail(`baton dev did not start: ${dev.output()}`),
    );
    assert.match(
      dev.output(),
      new RegExp(`serving http://127\\.0\\.0\\.1:${port} on .*running order@1, order-receipt@1`),
    );

    const outputs: string[] = [];
    for (const command of client) {
      const result = await sh(command.replaceAll("7700", port), env).exited;
      assert.equal(result.code, 0, `${command}\n${result.stdout}\n${result.stderr}`);
      outputs.push(result.stdout);
    }
    const [curl, started, , , followed, listed] = outputs as string[];
    assert.equal((JSON.parse(curl as string) as { created: boolean }).created, true);
    assert.match(started as string, /^started run order-2 \(order@1, \w+\)\n$/);
    assert.match(followed as string, /signal approve completed/);
    assert.match(followed as string, /output \{"holdId":"hold_\d+","chargeId":"ch_\d+","trackingNumber":"1Z_\d+"/);
    const rows = (listed as string).split("\n").filter((line) => /^order-\d /.test(line));
    assert.equal(rows.length, 2, listed);
    assert.ok(
      rows.some((row) => /^order-2 +order@1 +completed/.test(row)),
      listed,
    );
  } finally {
    dev.kill("SIGTERM");
    await dev.exited;
  }
});
