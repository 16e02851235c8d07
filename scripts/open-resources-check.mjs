// Fails a test file that leaves an engine (started and not stopped), a worker
// or a store (opened and not closed) open at its end, naming each and where it
// was opened. scripts/test.mjs loads it (`--import`) into every test file's
// process. It installs the registry of packages/baton/src/open-resources.ts
// (internal: a Set under a global symbol) before the library records anything.
//
// The verdict is given when the process exits, after every test and every
// `after` hook of the file. A started engine keeps the process alive, so one
// left open would hang the file: once the tests are done, if the process is
// still alive after `graceMs` with something open, it reports and exits.
import { after } from "node:test";

const registry = new Set();
globalThis[Symbol.for("baton.openResources")] = registry;

const graceMs = Number(process.env.BATON_OPEN_RESOURCES_GRACE_MS ?? 10_000);
const cwd = `${process.cwd()}/`;

/** The frames of `stack` outside the library and Node's internals: where the test opened it. */
const callerFrames = (stack) =>
  stack
    .split("\n")
    .slice(1)
    .map((line) => line.trim().replace(/^at /, "").replace("file://", "").replaceAll(cwd, ""))
    .filter((line) => !/packages\/baton\/src\/|node:internal|node_modules|^new Promise|^<anonymous>/.test(line))
    .slice(0, 3);

let reported = false;
const report = () => {
  if (reported || registry.size === 0) return false;
  reported = true;
  const lines = [...registry].map((r) => {
    const what = r.kind === "store" ? "not closed" : "started and not stopped";
    const where = callerFrames(r.openedAt);
    return `  ${r.kind} ${JSON.stringify(r.name)} (${what}), opened at:\n${where.map((f) => `      ${f}`).join("\n")}`;
  });
  process.stderr.write(
    `\nLeft open at the end of the test file (use \`await using\`, or stop/close it):\n${lines.join("\n")}\n`,
  );
  return true;
};

process.on("exit", () => {
  if (report()) process.exitCode = 1;
});

after(() => {
  setTimeout(() => {
    if (report()) process.exit(1);
  }, graceMs).unref();
});
