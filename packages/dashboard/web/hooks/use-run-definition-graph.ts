import { useState } from "react";
import { ApiRequestError } from "../api/api-client.js";
import type { DefinitionRunGraph, Run } from "../api/api-types.js";
import { type ApiData, useApiData } from "./use-api-data.js";

/**
 * The graph of `run`'s definition with its node traces
 * (`GET /api/runs/{id}/graph`), fetched again whenever the run changes.
 * A 404 (a run of a code workflow, or a server without declarative
 * workflows) is asked once: the hook then answers `undefined` and fetches
 * no more.
 *
 * @example
 * const graph = useRunDefinitionGraph(run);
 * if (graph?.data) draw(graph.data.document, graph.data.nodes);
 */
export function useRunDefinitionGraph(run: Run | undefined): ApiData<DefinitionRunGraph> | undefined {
  const [absent, setAbsent] = useState(false);
  const path = run && !absent ? `/api/runs/${encodeURIComponent(run.id)}/graph` : null;
  const graph = useApiData<DefinitionRunGraph>(path, { key: run ? `${run.status}|${run.updatedAt}` : undefined });
  const notFound = graph.error instanceof ApiRequestError && graph.error.status === 404;
  // Adjusted during render: a run that is not a definition's stays one.
  if (notFound && !absent) setAbsent(true);
  return absent || notFound ? undefined : graph;
}
