import { lazy, Suspense } from "react";
import type { Definition, DefinitionVersions } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { JsonView } from "../components/json-view.js";
import { useApiData } from "../hooks/use-api-data.js";
import { navigate } from "../hooks/use-route.js";
import { formatTime } from "../lib/format.js";
import { definitionHref, runsHref } from "../lib/route.js";

const DefinitionGraph = lazy(() =>
  import("./definition-graph.js").then((module) => ({ default: module.DefinitionGraph })),
);

/** The version picker: every version, newest first, the latest marked. */
function VersionPicker({ detail, shown }: { detail: DefinitionVersions; shown: string }) {
  return (
    <label className="version-picker">
      Version{" "}
      <select value={shown} onChange={(event) => navigate(definitionHref(detail.name, event.target.value), true)}>
        {detail.versions.map((entry, index) => (
          <option key={entry.version} value={entry.version}>
            {entry.version} · {formatTime(entry.createdAt)}
            {index === 0 ? " (latest)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The document as deployed: its text when it came as text (YAML or JSON), with the checked document as JSON. */
function DefinitionSource({ definition }: { definition: Definition }) {
  if (definition.source === undefined) return <JsonView value={definition.document} />;
  return (
    <>
      <pre className="definition-source">{definition.source}</pre>
      <details>
        <summary>The checked document, as JSON</summary>
        <JsonView value={definition.document} />
      </details>
    </>
  );
}

/**
 * One definition at one version (its latest unless `version` is given):
 * a version picker, its description, the graph of its nodes, and its
 * document.
 */
export function DefinitionView({ name, version }: { name: string; version?: string }) {
  const path = `/api/definitions/${encodeURIComponent(name)}`;
  const detail = useApiData<DefinitionVersions>(path);
  const chosen = useApiData<Definition>(
    version === undefined ? null : `${path}/versions/${encodeURIComponent(version)}`,
  );
  const definition = version === undefined ? detail.data?.latest : chosen.data;
  const error = detail.error ?? chosen.error;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/definitions">Definitions</a> / <span className="mono">{name}</span>
      </nav>
      <h1>
        <span className="definition-name">{name}</span>
        {detail.data && <VersionPicker detail={detail.data} shown={version ?? detail.data.latest.version} />}
      </h1>
      {error && <ErrorNote error={error} />}
      {!definition && !error && <p className="muted">Loading the definition…</p>}
      {definition && (
        <>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{definition.version}</dd>
            <dt>Deployed</dt>
            <dd>{formatTime(definition.createdAt)}</dd>
            <dt>Runs</dt>
            <dd>
              <a href={runsHref({ workflow: definition.name })}>runs of {definition.name}</a>
            </dd>
          </dl>
          {definition.description && <p className="definition-description">{definition.description}</p>}
          <section aria-label="Definition graph">
            <h2>Graph</h2>
            <Suspense fallback={<p className="muted">Drawing the graph…</p>}>
              <DefinitionGraph key={definition.version} document={definition.document} />
            </Suspense>
          </section>
          <section aria-label="Document">
            <h2>Document</h2>
            <DefinitionSource definition={definition} />
          </section>
        </>
      )}
    </>
  );
}
