import { BatonError } from "../errors.js";
import type { DefinitionRecord, DefinitionSummaryRecord, DefinitionVersionRecord } from "./definition-records.js";

/** A row of `definitions`, as both backends read it. */
export interface DefinitionRow {
  name: string;
  version: string;
  seq: number | string;
  description: string | null;
  document: string;
  digest: string;
  source: string | null;
  created_at: number | string;
}

/** The record of a row. */
export function toDefinitionRecord(row: DefinitionRow): DefinitionRecord {
  return {
    name: row.name,
    version: row.version,
    ...(row.description === null ? {} : { description: row.description }),
    document: JSON.parse(row.document),
    digest: row.digest,
    ...(row.source === null ? {} : { source: row.source }),
    createdAt: Number(row.created_at),
  };
}

/** A row of the definitions list. */
export interface DefinitionSummaryRow {
  name: string;
  version: string;
  description: string | null;
  versions: number | string;
  updated_at: number | string;
}

/** The summary of a row of the list. */
export function toDefinitionSummary(row: DefinitionSummaryRow): DefinitionSummaryRecord {
  return {
    name: row.name,
    latestVersion: row.version,
    ...(row.description === null ? {} : { description: row.description }),
    versions: Number(row.versions),
    updatedAt: Number(row.updated_at),
  };
}

/** A version of the versions list. */
export function toDefinitionVersion(
  row: Pick<DefinitionRow, "version" | "description" | "created_at">,
): DefinitionVersionRecord {
  return {
    version: row.version,
    ...(row.description === null ? {} : { description: row.description }),
    createdAt: Number(row.created_at),
  };
}

/** The next version the store gives: one more than the highest whole-number version taken ("1" for the first). */
export function nextDefinitionVersion(versions: string[]): string {
  let highest = 0;
  for (const version of versions) if (/^\d{1,15}$/.test(version)) highest = Math.max(highest, Number(version));
  return String(highest + 1);
}

/** The refusal of new content for a version a run used. */
export function immutableDefinition(name: string, version: string): BatonError {
  return new BatonError(
    "DEFINITION_IMMUTABLE",
    `definition "${name}" version "${version}" is used by runs and cannot change: deploy it under another version (or without one, to get the next)`,
  );
}

/** The refusal of a definition named like a code workflow a worker registered. */
export function codeWorkflowConflict(name: string): BatonError {
  return new BatonError(
    "DEFINITION_CONFLICT",
    `definition "${name}" has the name of a code workflow that workers of this store run: give it another name`,
  );
}

/** The document with `version` set. */
export const withVersion = (document: Record<string, unknown>, version: string) => ({ ...document, version });

/** The shared part of both backends' list statement (`t` the tables' schema prefix, empty for SQLite). */
export const definitionListSql = (t: string) =>
  `SELECT d.name, d.version, d.description, c.versions, c.updated_at
   FROM ${t}definitions d
   JOIN (SELECT name, max(seq) AS seq, count(*) AS versions, max(created_at) AS updated_at
         FROM ${t}definitions GROUP BY name) c ON c.name = d.name AND c.seq = d.seq
   ORDER BY d.name`;
