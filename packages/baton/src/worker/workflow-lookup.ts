import type { Workflow } from "../workflow.js";
import type { WorkflowCatalog } from "./worker-options.js";

/** The workflows a worker runs: its code's, by name, and a catalog's (stored definitions), by name and version. */
export class WorkflowLookup {
  private readonly codeKeys: string[];

  constructor(
    private readonly workflows: Map<string, Workflow>,
    private readonly catalog?: WorkflowCatalog,
  ) {
    this.codeKeys = [...workflows.values()].map((w) => `${w.name}@${w.version}`);
  }

  /** The workflow of a run of `name@version`: code of that version, else the catalog's, else the code of the name. */
  get(name: string, version: string): Workflow | undefined {
    const code = this.workflows.get(name);
    return code?.version === version ? code : (this.catalog?.get(name, version) ?? code);
  }

  /** `name@version` of every workflow the worker can run (what it claims). */
  keys(): string[] {
    const more = this.catalog?.keys() ?? [];
    return more.length === 0 ? this.codeKeys : [...this.codeKeys, ...more];
  }
}
