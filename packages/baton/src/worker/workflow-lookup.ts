import type { Workflow } from "../workflow.js";
import type { WorkflowCatalog } from "./worker-options.js";

/**
 * The workflows a worker runs: every version of its code's (by name and
 * version), and a catalog's (stored definitions).
 */
export class WorkflowLookup {
  private readonly codeKeys: string[];
  private readonly code = new Map<string, Workflow>();
  /** The catalog's keys the last claim saw, and the list of all keys made with them. */
  private seen?: readonly string[];
  private all: string[] = [];

  constructor(
    private readonly workflows: Map<string, Workflow>,
    versions: readonly Workflow[] | undefined,
    private readonly catalog?: WorkflowCatalog,
  ) {
    for (const workflow of versions ?? workflows.values())
      this.code.set(`${workflow.name}@${workflow.version}`, workflow);
    this.codeKeys = [...this.code.keys()];
  }

  /** The workflow of a run of `name@version`: code of that version, else the catalog's, else the newest code of the name. */
  get(name: string, version: string): Workflow | undefined {
    const newest = this.workflows.get(name);
    if (newest?.version === version) return newest; // the usual case: no key to build
    return this.code.get(`${name}@${version}`) ?? this.catalog?.get(name, version) ?? newest;
  }

  /** `name@version` of every workflow the worker can run (what it claims). */
  keys(): string[] {
    const more = this.catalog?.keys() ?? [];
    if (more.length === 0) return this.codeKeys;
    if (more !== this.seen) {
      this.seen = more;
      this.all = [...this.codeKeys, ...more];
    }
    return this.all;
  }
}
