/**
 * Builds the dashboard (type check, then `vite build`) when `dist` is
 * missing or older than its sources, so the browser tests always run
 * against the current code. Test files run side by side: a lock folder
 * makes one build and the others wait for it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The dashboard package's folder. */
export const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const builtIndex = join(packageDir, "dist", "index.html");
const sources = ["web", "vite.config.ts", "tsconfig.json", "package.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when `dist` is missing or a source file changed after it was built. */
export function isDashboardStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const built = statSync(builtIndex).mtimeMs;
  return sources.some(
    (source) => existsSync(join(packageDir, source)) && newestMtime(join(packageDir, source)) > built,
  );
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`building the dashboard failed: node ${args.join(" ")} exited ${code}`)),
    );
  });
}

async function build(): Promise<void> {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve("typescript/bin/tsc");
  const vite = join(dirname(require.resolve("vite/package.json")), "bin", "vite.js");
  console.log("# building the dashboard (dist is missing or older than its sources)");
  await run([tsc, "-p", "tsconfig.json"]);
  await run([vite, "build", "--logLevel", "warn"]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the dashboard unless `dist` is up to date; waits for a build another test process started. */
export async function ensureDashboardBuilt(): Promise<void> {
  if (!isDashboardStale()) return;
  const lock = join(
    tmpdir(),
    `baton-dashboard-build-${createHash("sha1").update(packageDir).digest("hex").slice(0, 12)}`,
  );
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds: wait for it (a lock older than 3 minutes was left by a dead one).
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for another build of the dashboard (${lock})`);
      await sleep(250);
      if (!isDashboardStale()) return;
    }
  }
  try {
    if (isDashboardStale()) await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
