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
import type { PostgresContext } from "./postgres-context.js";

/** The statements of the definition verbs, for tables in schema `t` (quoted). */
function definitionStatements(t: string) {
  return {
    get: `SELECT * FROM ${t}.definitions WHERE name = $1 AND version = $2`,
    latest: `SELECT * FROM ${t}.definitions WHERE name = $1 ORDER BY seq DESC LIMIT 1`,
    versions: `SELECT version, description, created_at FROM ${t}.definitions WHERE name = $1 ORDER BY seq DESC`,
    keys: `SELECT name, version, digest FROM ${t}.definitions ORDER BY name, seq`,
    list: definitionListSql(`${t}.`),
    // Saves of one name take turns (a transaction-scoped advisory lock on the name).
    lock: "SELECT pg_advisory_xact_lock(hashtextextended('baton.definition:' || $1, 0))",
    code: `SELECT 1 FROM ${t}.workflows WHERE name = $1 LIMIT 1`,
    used: `SELECT 1 FROM ${t}.runs WHERE workflow = $1 AND version = $2 LIMIT 1`,
    // $1 name, $2 version, $3 description, $4 document, $5 digest, $6 source, $7 now
    insert: `INSERT INTO ${t}.definitions (name, version, seq, description, document, digest, source, created_at)
      VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM ${t}.definitions WHERE name = $1), $3, $4, $5, $6, $7)
      RETURNING *`,
    replace: `UPDATE ${t}.definitions SET description = $3, document = $4, digest = $5, source = $6, created_at = $7
      WHERE name = $1 AND version = $2 RETURNING *`,
    notify: "SELECT pg_notify($1, 'd')",
  };
}

/** The definition verbs of the PostgreSQL store. */
export function createPostgresDefinitions(ctx: PostgresContext): DefinitionVerbs {
  const sql = definitionStatements(ctx.t);
  return {
    saveDefinition(definition, now) {
      return ctx.run(() =>
        ctx.transaction(async (query) => {
          const { name } = definition;
          await query(sql.lock, [name]);
          if ((await query(sql.code, [name])).length > 0) throw codeWorkflowConflict(name);
          let version = definition.version;
          if (version === undefined) {
            const [latest] = await query<DefinitionRow>(sql.latest, [name]);
            if (latest?.digest === definition.digest) {
              return { definition: toDefinitionRecord(latest), outcome: "unchanged" as const };
            }
            version = nextDefinitionVersion(
              (await query<{ version: string }>(sql.versions, [name])).map((v) => v.version),
            );
          }
          const [existing] = await query<DefinitionRow>(sql.get, [name, version]);
          if (existing?.digest === definition.digest) {
            return { definition: toDefinitionRecord(existing), outcome: "unchanged" as const };
          }
          if (existing && (await query(sql.used, [name, version])).length > 0) throw immutableDefinition(name, version);
          const [row] = await query<DefinitionRow>(existing ? sql.replace : sql.insert, [
            name,
            version,
            definition.description ?? null,
            JSON.stringify(withVersion(definition.document, version)),
            definition.digest,
            definition.source ?? null,
            now,
          ]);
          await query(sql.notify, [ctx.channel]);
          return {
            definition: toDefinitionRecord(row as DefinitionRow),
            outcome: existing ? "replaced" : "created",
          } as const;
        }),
      );
    },
    getDefinition(name, version) {
      return ctx.run(async () => {
        const [row] = await ctx.query<DefinitionRow>(
          version === undefined ? sql.latest : sql.get,
          version === undefined ? [name] : [name, version],
        );
        return row ? toDefinitionRecord(row) : undefined;
      });
    },
    listDefinitions() {
      return ctx.run(async () => (await ctx.query<DefinitionSummaryRow>(sql.list)).map(toDefinitionSummary));
    },
    listDefinitionVersions(name) {
      return ctx.run(async () => (await ctx.query<DefinitionRow>(sql.versions, [name])).map(toDefinitionVersion));
    },
    listDefinitionKeys() {
      return ctx.run(async () => ctx.query<DefinitionKeyRecord>(sql.keys));
    },
  };
}
