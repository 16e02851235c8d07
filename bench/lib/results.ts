/**
 * Writes a scenario's result to `bench/results/<scenario>-<store>-<time>.json`
 * (time in ISO 8601 basic format, UTC, e.g. `20250101T120000Z`), through a
 * temporary file renamed into place so that a file there is always complete.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, platform, release } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ScenarioResult, StoreKind } from "./scenario.js";
import { workerEngine } from "./worker-processes.js";

/** Where result files go. */
export const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

/** The machine and runtime a result was measured on. */
export function environment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    // The engine this process runs (the compiled package, or the source through tsx) and the worker processes run.
    engine: import.meta.resolve("baton").endsWith(".ts") ? "source" : "compiled",
    workerEngine: workerEngine(),
    ...extra,
  };
}

/** `2025-01-01T12:00:00.123Z` as `20250101T120000Z`. */
export function basicIsoTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** Writes the result file and returns its path. */
export function writeResult(
  scenario: string,
  store: StoreKind,
  startedAt: Date,
  durationMs: number,
  env: Record<string, unknown>,
  result: ScenarioResult,
  dir = resultsDir,
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${scenario}-${store}-${basicIsoTime(startedAt)}.json`);
  const body = { scenario, store, startedAt: startedAt.toISOString(), durationMs, environment: env, ...result };
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}
