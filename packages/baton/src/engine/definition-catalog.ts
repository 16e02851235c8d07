/**
 * The stored definitions an engine runs: every version, built as a workflow
 * once, kept in step with the store (refreshed when the engine starts, when
 * it deploys, and when another process announces a change).
 */

import type { Definition } from "../declarative/definition-types.js";
import { createDefinitionWorkflow } from "../declarative/definition-workflow.js";
import type { NodeRunnerDeps } from "../declarative/node-runner.js";
import type { DefinitionRecord, Store } from "../store/store.js";
import type { WorkflowCatalog } from "../worker/worker-options.js";
import type { Workflow } from "../workflow.js";

/** The public form of a stored definition version. */
export function toDefinition(record: DefinitionRecord): Definition {
  return {
    name: record.name,
    version: record.version,
    ...(record.description === undefined ? {} : { description: record.description }),
    document: record.document as unknown as Definition["document"],
    ...(record.source === undefined ? {} : { source: record.source }),
    createdAt: new Date(record.createdAt),
  };
}

interface Entry {
  digest: string;
  definition: Definition;
  workflow: Workflow;
}

/** Stored definitions as workflows, by name and version. */
export class DefinitionCatalog implements WorkflowCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly latestVersions = new Map<string, string>();
  private keyList: string[] = [];
  private refreshing: Promise<boolean> = Promise.resolve(false);

  constructor(
    private readonly store: Store,
    private readonly deps: Omit<NodeRunnerDeps, "childWorkflow">,
    private readonly code: Map<string, Workflow>,
  ) {}

  keys(): readonly string[] {
    return this.keyList;
  }

  get(name: string, version: string): Workflow | undefined {
    return this.entries.get(`${name}@${version}`)?.workflow;
  }

  /** The newest loaded version of a definition. */
  latest(name: string): Workflow | undefined {
    const version = this.latestVersions.get(name);
    return version === undefined ? undefined : this.get(name, version);
  }

  /** Reads the store's list again and builds what changed; true when something did. Refreshes take turns. */
  refresh(): Promise<boolean> {
    this.refreshing = this.refreshing.catch(() => false).then(() => this.load());
    return this.refreshing;
  }

  /** A version (the newest when omitted) as the store holds it now, built and kept. */
  async find(name: string, version?: string): Promise<Entry | undefined> {
    const record = await this.store.getDefinition(name, version);
    if (!record) return undefined;
    const entry = this.keep(record);
    if (version === undefined && (this.latestVersions.get(name) ?? "") !== record.version) {
      await this.refresh();
    }
    return entry;
  }

  private async load(): Promise<boolean> {
    const rows = await this.store.listDefinitionKeys();
    let changed = rows.length !== this.keyList.length;
    for (const row of rows) {
      if (this.entries.get(`${row.name}@${row.version}`)?.digest === row.digest) continue;
      const record = await this.store.getDefinition(row.name, row.version);
      if (record) this.keep(record);
      changed = true;
    }
    for (const row of rows) this.latestVersions.set(row.name, row.version); // rows are in order of creation
    this.keyList = rows.map((row) => `${row.name}@${row.version}`).filter((key) => this.entries.has(key));
    return changed;
  }

  private keep(record: DefinitionRecord): Entry {
    const key = `${record.name}@${record.version}`;
    const found = this.entries.get(key);
    if (found?.digest === record.digest) return found;
    const definition = toDefinition(record);
    const workflow = createDefinitionWorkflow(definition, {
      ...this.deps,
      childWorkflow: (name) => this.code.get(name) ?? this.latest(name),
    });
    const entry = { digest: record.digest, definition, workflow };
    this.entries.set(key, entry);
    if (!this.keyList.includes(key)) this.keyList = [...this.keyList, key];
    return entry;
  }
}
