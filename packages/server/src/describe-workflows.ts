import type { Engine, RunStatus } from "baton";

type Counts = Partial<Record<RunStatus, number>>;

/** A workflow as the API lists it. */
export interface WorkflowDescription {
  name: string;
  version: string;
  registered: boolean;
  validatesInput: boolean;
  counts: Counts;
  versions: { version: string; counts: Counts }[];
}

/**
 * The workflows the engine has code for, and those that only have runs in
 * the store, each with its runs counted by status, in all and per version.
 */
export async function describeWorkflows(engine: Engine): Promise<WorkflowDescription[]> {
  const byName = new Map<string, WorkflowDescription>();
  for (const workflow of engine.listWorkflows()) {
    byName.set(workflow.name, { ...workflow, registered: true, counts: {}, versions: [] });
  }
  for (const { workflow, version, status, count } of await engine.countRuns()) {
    let entry = byName.get(workflow);
    if (!entry) {
      entry = { name: workflow, version, registered: false, validatesInput: false, counts: {}, versions: [] };
      byName.set(workflow, entry);
    }
    entry.counts[status] = (entry.counts[status] ?? 0) + count;
    let perVersion = entry.versions.find((v) => v.version === version);
    if (!perVersion) {
      perVersion = { version, counts: {} };
      entry.versions.push(perVersion);
    }
    perVersion.counts[status] = count;
    if (!entry.registered && compareVersions(version, entry.version) > 0) entry.version = version;
  }
  for (const entry of byName.values()) entry.versions.sort((a, b) => compareVersions(a.version, b.version));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Orders versions like "2" < "10" < "10.1", falling back to text order. */
function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
