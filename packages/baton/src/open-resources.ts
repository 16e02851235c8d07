/**
 * INTERNAL, not part of the public API (not exported from `index.ts`; it may
 * change at any time): a registry of the engines, workers and stores open in
 * this process, so that the project's test setup can fail a test file that
 * leaves one open, naming what and where it was opened.
 *
 * It is off unless a reader installs a `Set` under the global symbol
 * `Symbol.for("baton.openResources")` (see `scripts/open-resources-check.mjs`);
 * off, tracking an open costs one property read and records nothing.
 *
 * Invariants: an engine is in the registry from `start()` to `stop()`, a
 * worker from `start()` to `stop()`, a task worker from `createTaskWorker` to
 * `stop()`, a store from its creation to `close()`.
 */

/** Something open, as the registry holds it. */
export interface OpenResource {
  kind: "engine" | "worker" | "task worker" | "store";
  /** What it is: the worker's (or task worker's) name, the store's address (without its password). */
  name: string;
  /** The stack where it was opened. */
  openedAt: string;
}

const registryKey = Symbol.for("baton.openResources");

const untracked = () => {};

/**
 * Records that a resource was opened, when a reader installed the registry;
 * returns the function that records its closing (idempotent).
 */
export function trackOpen(kind: OpenResource["kind"], name: string): () => void {
  const registry = (globalThis as { [registryKey]?: Set<OpenResource> })[registryKey];
  if (!registry) return untracked;
  const resource: OpenResource = { kind, name, openedAt: new Error(`${kind} opened`).stack ?? "" };
  registry.add(resource);
  return () => registry.delete(resource);
}
