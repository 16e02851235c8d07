import type { DefinitionList } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { useApiData } from "../hooks/use-api-data.js";
import { formatTime } from "../lib/format.js";
import { definitionHref, runsHref } from "../lib/route.js";

/** The definitions of declarative workflows: name, latest version, how many versions, description, last deployed. */
export function DefinitionsView() {
  const { data, error, loading } = useApiData<DefinitionList>("/api/definitions", { pollMs: 10_000 });
  const definitions = [...(data?.definitions ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h1>Definitions</h1>
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading definitions…</p>}
      {data && definitions.length === 0 && (
        <p className="empty">
          No definitions. Deploy one with <span className="mono">POST /api/definitions</span>.
        </p>
      )}
      {definitions.length > 0 && (
        <table className="definitions-table">
          <thead>
            <tr>
              <th>Definition</th>
              <th>Latest version</th>
              <th>Versions</th>
              <th>Description</th>
              <th>Updated</th>
              <th>Runs</th>
            </tr>
          </thead>
          <tbody>
            {definitions.map((definition) => (
              <tr key={definition.name}>
                <td>
                  <a href={definitionHref(definition.name)}>{definition.name}</a>
                </td>
                <td>
                  <a href={definitionHref(definition.name, definition.latestVersion)}>{definition.latestVersion}</a>
                </td>
                <td>{definition.versions}</td>
                <td className="description">{definition.description ?? <span className="muted">-</span>}</td>
                <td>{formatTime(definition.updatedAt)}</td>
                <td>
                  <a href={runsHref({ workflow: definition.name })}>runs</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
