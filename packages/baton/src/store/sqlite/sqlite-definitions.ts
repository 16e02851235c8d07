import type { DefinitionKeyRecord, DefinitionVerbs } from "../definition-records.js";
import {
  codeWorkflowConflict,
  type DefinitionRow,
  type DefinitionSummaryRow,
  definitionListSql,
  immutableDefinition,
  nextDefinitionVersion,
  toDefinitionRecord,
  toDefinitionSummary,
  toDefinitionVersion,
  withVersion,
} from "../definition-rows.js";
import type { SqliteContext } from "./sqlite-context.js";

/** The definition verbs of the SQLite store: versions written in the group commit, read directly. */
export function createSqliteDefinitions(ctx: SqliteContext): DefinitionVerbs {
  const sql = ctx.prepared((db) => ({
    get: db.prepare("SELECT * FROM definitions WHERE name = ? AND version = ?"),
    latest: db.prepare("SELECT * FROM definitions WHERE name = ? ORDER BY seq DESC LIMIT 1"),
    versions: db.prepare("SELECT version, description, created_at FROM definitions WHERE name = ? ORDER BY seq DESC"),
    keys: db.prepare("SELECT name, version, digest FROM definitions ORDER BY name, seq"),
    list: db.prepare(definitionListSql("")),
    code: db.prepare("SELECT 1 FROM workflows WHERE name = ? LIMIT 1"),
    used: db.prepare("SELECT 1 FROM runs WHERE workflow = ? AND version = ? LIMIT 1"),
    insert: db.prepare(
      `INSERT INTO definitions (name, version, seq, description, document, digest, source, created_at)
       VALUES (@name, @version, (SELECT coalesce(max(seq), 0) + 1 FROM definitions WHERE name = @name),
         @description, @document, @digest, @source, @now)`,
    ),
    replace: db.prepare(
      `UPDATE definitions SET description = @description, document = @document, digest = @digest, source = @source,
         created_at = @now WHERE name = @name AND version = @version`,
    ),
  }));
  return {
    saveDefinition(definition, now) {
      return ctx.batcher.write(() => {
        const s = sql();
        const { name } = definition;
        if (s.code.get(name)) throw codeWorkflowConflict(name);
        let version = definition.version;
        if (version === undefined) {
          const latest = s.latest.get(name) as DefinitionRow | undefined;
          if (latest?.digest === definition.digest)
            return { definition: toDefinitionRecord(latest), outcome: "unchanged" };
          version = nextDefinitionVersion((s.versions.all(name) as { version: string }[]).map((v) => v.version));
        }
        const row = {
          name,
          version,
          description: definition.description ?? null,
          document: JSON.stringify(withVersion(definition.document, version)),
          digest: definition.digest,
          source: definition.source ?? null,
          now,
        };
        const existing = s.get.get(name, version) as DefinitionRow | undefined;
        if (existing?.digest === definition.digest)
          return { definition: toDefinitionRecord(existing), outcome: "unchanged" };
        if (existing && s.used.get(name, version)) throw immutableDefinition(name, version);
        (existing ? s.replace : s.insert).run(row);
        ctx.notices.announce("d");
        return {
          definition: toDefinitionRecord(s.get.get(name, version) as DefinitionRow),
          outcome: existing ? "replaced" : "created",
        };
      });
    },
    async getDefinition(name, version) {
      const row = (version === undefined ? sql().latest.get(name) : sql().get.get(name, version)) as
        | DefinitionRow
        | undefined;
      return row ? toDefinitionRecord(row) : undefined;
    },
    async listDefinitions() {
      return (sql().list.all() as DefinitionSummaryRow[]).map(toDefinitionSummary);
    },
    async listDefinitionVersions(name) {
      return (sql().versions.all(name) as DefinitionRow[]).map(toDefinitionVersion);
    },
    async listDefinitionKeys() {
      return sql().keys.all() as DefinitionKeyRecord[];
    },
  };
}
