import type { Workflow } from "../workflow.js";
import type { WorkflowCatalog } from "./worker-options.js";

/**
 * The workflows a worker runs: every version of its code's (by name and
 * version), and a catalog's (stored definitions).
 */
export class WorkflowLookup {
  private readonly codeKeys: string[];
  private readonly code = new Map<string, Workflow>();

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
    return this.code.get(`${name}@${version}`) ?? this.catalog?.get(name, version) ?? this.workflows.get(name);
  }

  /** `name@version` of every workflow the worker can run (what it claims). */
  keys(): string[] {
    const more = this.catalog?.keys() ?? [];
    return more.length === 0 ? this.codeKeys : [...this.codeKeys, ...more];
  }
}
