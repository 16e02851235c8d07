/**
 * What the store keeps of declarative workflow definitions: each version of
 * a definition, under its name; a version used by a run never changes.
 */

/** A definition version to store (`saveDefinition`). */
export interface NewDefinitionRecord {
  name: string;
  /** Given by the document; without it, the store gives the next whole number not taken. */
  version?: string;
  description?: string;
  /** The checked document as JSON (its `version` filled in by the store when it gives one). */
  document: Record<string, unknown>;
  /** SHA-256 of the document without its version: the same content deployed again is the same version. */
  digest: string;
  source?: string;
}

/** A stored definition version. */
export interface DefinitionRecord {
  name: string;
  version: string;
  description?: string;
  document: Record<string, unknown>;
  digest: string;
  source?: string;
  createdAt: number;
}

/** What `saveDefinition` did: `created` a version, `replaced` an unused one's content, or found it `unchanged`. */
export interface SaveDefinitionResult {
  definition: DefinitionRecord;
  outcome: "created" | "replaced" | "unchanged";
}

/** A definition's name, newest version and number of versions (`listDefinitions`). */
export interface DefinitionSummaryRecord {
  name: string;
  latestVersion: string;
  description?: string;
  versions: number;
  updatedAt: number;
}

/** One version of a definition, without its document (`listDefinitionVersions`). */
export interface DefinitionVersionRecord {
  version: string;
  description?: string;
  createdAt: number;
}

/** A definition version's identity and content digest. */
export interface DefinitionKeyRecord {
  name: string;
  version: string;
  digest: string;
}

/** The definition verbs of a store. */
export interface DefinitionVerbs {
  /**
   * Stores a definition version, in one transaction. With a version: a new
   * one is created; an existing one with the same digest is `unchanged`; an
   * existing one no run used yet gets the new content (`replaced`); one a
   * run used is refused (`DEFINITION_IMMUTABLE`). Without a version: the same
   * digest as the newest version is that version (`unchanged`), else a new
   * version numbered after the highest whole number taken. Announces the
   * change to the store's other processes (notice `definitions`). A name
   * that a worker registered as a code workflow is refused.
   * @throws BatonError `DEFINITION_IMMUTABLE`, `DEFINITION_CONFLICT`.
   */
  saveDefinition(definition: NewDefinitionRecord, now: number): Promise<SaveDefinitionResult>;
  /** A version of a definition, or its newest version (the last created) when `version` is omitted. */
  getDefinition(name: string, version?: string): Promise<DefinitionRecord | undefined>;
  /** Every definition, by name. */
  listDefinitions(): Promise<DefinitionSummaryRecord[]>;
  /** The versions of one definition, newest first. */
  listDefinitionVersions(name: string): Promise<DefinitionVersionRecord[]>;
  /** Name, version and digest of every stored definition version (what a worker can run). */
  listDefinitionKeys(): Promise<DefinitionKeyRecord[]>;
}
