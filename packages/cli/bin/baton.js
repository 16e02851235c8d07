#!/usr/bin/env node
// The `baton` command. Runs the compiled CLI (dist/main.js) when the package
// has been built. Otherwise (a checkout, where nothing is compiled) it runs
// src/main.ts in a child Node process with tsx and the "development" export
// condition, so that "baton" resolves to its TypeScript sources. The child
// shares this process's standard streams; SIGINT, SIGTERM and SIGHUP are passed
// on to it, and its exit code (or the signal that ended it) becomes this one's.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const compiled = new URL("../dist/main.js", import.meta.url);

if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", tsx, "--conditions=development", main, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.on("error", (error) => {
    console.error(`error: cannot start ${main}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    for (const name of signals) process.off(name, forward);
    if (!signal) process.exit(code ?? 1);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
  });
}
