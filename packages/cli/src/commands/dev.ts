import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { Command, Option } from "@commander-js/extra-typings";
import { CliError } from "../cli-error.js";
import { colorsFor } from "../colors.js";
import { definitionsOption, httpAllowOption } from "../definition-options.js";
import { findPort } from "../find-port.js";
import { maskPassword } from "../mask-password.js";
import { parsePort } from "../option-parsers.js";
import { sqlitePath } from "../sqlite-path.js";
import { storeOption } from "../store-option.js";
import { waitForStopSignal } from "../wait-for-stop-signal.js";
import { watchFolder } from "../watch-folder.js";
import { allowedHostOption } from "./serve.js";

const host = "127.0.0.1";
/** The files whose changes restart the server: code and JSON (not logs, not databases). */
const sourceFile = /\.([cm]?[jt]sx?|json|ya?ml)$/;

/**
 * `baton dev <module>`: the engine and the HTTP API on 127.0.0.1 (no token)
 * and the embedded SQLite store, restarted whenever the module or a source
 * file (JavaScript, TypeScript, JSON, YAML) under its folder changes (node_modules
 * and dot-folders aside). The server runs in a child process (`baton serve`);
 * this one watches the files, and restarts the child gracefully on a change
 * (runs in flight continue in the new one). A module that fails to load
 * leaves the child stopped until the next change.
 *
 * @example
 * baton dev src/workflows.ts
 * // serving http://127.0.0.1:7700 on sqlite:.baton/baton.db, running order@1
 */
export function createDevCommand() {
  return new Command("dev")
    .description("serve the API and execute runs on 127.0.0.1, restarting when the module's folder changes")
    .argument("<module>", "TypeScript or JavaScript module exporting workflows (or a default array of them)")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default(7700).argParser(parsePort))
    .addOption(storeOption())
    .addOption(allowedHostOption())
    .addOption(definitionsOption())
    .addOption(httpAllowOption())
    .action(async (modulePath, options) => {
      const moduleFile = resolve(modulePath);
      if (!existsSync(moduleFile)) throw new CliError(`module not found: ${modulePath} (looked for ${moduleFile})`);
      const folder = dirname(moduleFile);
      const port = await findPort(host, options.port);
      const storeFile = sqlitePath(options.store);
      const c = colorsFor(process.stdout);
      const say = (text: string) => console.log(`${c.dim("[dev]")} ${text}`);
      const serveArgs = ["serve", modulePath, "--host", host, "--port", String(port), "--store", options.store];
      for (const name of options.allowedHost ?? []) serveArgs.push("--allowed-host", name);
      if (options.definitions !== undefined) serveArgs.push("--definitions", options.definitions);
      if (options.httpAllow?.length) serveArgs.push("--http-allow", options.httpAllow.join(","));
      const env = { ...process.env };
      delete env.BATON_TOKEN;
      delete env.BATON_READ_TOKEN;
      delete env.BATON_WORKER_TOKEN;

      let child: ChildProcess | undefined;
      let exited = Promise.resolve();
      let restarting = false;
      let closing = false;
      const startServer = () => {
        const started = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, ...serveArgs], {
          stdio: ["ignore", "inherit", "inherit", "ipc"],
          env,
        });
        child = started;
        exited = new Promise((done) => {
          started.once("exit", (code, signal) => {
            if (child === started) child = undefined;
            if (!restarting && !closing)
              say(`the server stopped (${signal ?? `exit code ${code}`}); waiting for a change to restart`);
            done();
          });
        });
      };
      const stopServer = async () => {
        if (child) {
          const running = child;
          child = undefined;
          running.kill("SIGTERM");
        }
        await exited;
      };

      let restarts = Promise.resolve();
      const watcher = watchFolder(folder, {
        ignore: (path) => storeFile !== undefined && path.startsWith(storeFile),
        include: (path) => sourceFile.test(path),
        onChange: (paths) => {
          restarts = restarts.then(async () => {
            if (closing) return;
            say(`${paths.map((path) => relative(process.cwd(), path) || ".").join(", ")} changed: restarting`);
            restarting = true;
            await stopServer();
            restarting = false;
            if (!closing) startServer();
          });
        },
      });
      say(`watching ${relative(process.cwd(), folder) || "."} for changes`);
      const stopSignal = waitForStopSignal();
      startServer();
      const signal = await stopSignal;
      closing = true;
      watcher.close();
      await restarts;
      await stopServer();
      say(`${signal}: stopped (store ${maskPassword(options.store)})`);
    });
}
