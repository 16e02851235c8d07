import { lazy, Suspense, useCallback, useMemo, useRef, useState } from "react";
import { useApi } from "../api/api-context.js";
import { type HistoryEvent, isFinished, type Run, type RunSummary } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { ErrorView } from "../components/error-view.js";
import { JsonView } from "../components/json-view.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useNow } from "../hooks/use-now.js";
import { useRunDefinitionGraph } from "../hooks/use-run-definition-graph.js";
import { useRunHumanTasks } from "../hooks/use-run-human-tasks.js";
import { useRunTasks } from "../hooks/use-run-tasks.js";
import { useWatchRun } from "../hooks/use-watch-run.js";
import { readHumanTaskCalls } from "../lib/human-task-calls.js";
import { definitionHref } from "../lib/route.js";
import { HistoryList } from "./history-list.js";
import { HumanTaskBanner } from "./human-task-banner.js";
import { RunActions } from "./run-actions.js";
import { RunChildren } from "./run-children.js";
import { RunHeader } from "./run-header.js";
import { StepList } from "./step-list.js";
import { StepTimeline } from "./step-timeline.js";

const RunGraph = lazy(() => import("./run-graph.js").then((module) => ({ default: module.RunGraph })));
const DefinitionGraph = lazy(() =>
  import("./definition-graph.js").then((module) => ({ default: module.DefinitionGraph })),
);

const noEvents: HistoryEvent[] = [];

/** Polls the run this often (ms) while its watch stream is not live and it may still change. */
const pollMs = 3000;

/**
 * One run: header, the way to answer its human tasks while it waits for a
 * person, actions (operators), step timeline, graph, steps with their
 * attempts, input and output, children, pending signals and history; a
 * run of a definition, that definition's graph with how each node fared.
 * Follows the run's watch stream and fetches it (and its definition's
 * graph) again at every change; polls its open tasks while a task call
 * waits.
 */
export function RunView({ id }: { id: string }) {
  const { canAct } = useApi();
  const path = `/api/runs/${encodeURIComponent(id)}`;
  const [polling, setPolling] = useState(true);
  const runData = useApiData<Run>(path, { pollMs: polling ? pollMs : undefined });
  const run = runData.data;
  const shown = useRef<RunSummary | undefined>(undefined);
  shown.current = run;
  const { reload } = runData;
  const onChange = useCallback(
    (summary: RunSummary) => {
      const current = shown.current;
      if (!current || current.updatedAt !== summary.updatedAt || current.status !== summary.status) reload();
    },
    [reload],
  );
  const mayChange = run !== undefined && !isFinished(run.status);
  const watch = useWatchRun(id, mayChange, onChange);
  // Adjusted during render (the watch state is known only after the fetch hook ran).
  const wantPolling = watch !== "live" && (run === undefined || mayChange || run.status === "failed");
  if (polling !== wantPolling) setPolling(wantPolling);

  const history = useApiData<{ events: HistoryEvent[] }>(run ? `${path}/history` : null, {
    key: run ? `${run.status}|${run.updatedAt}` : undefined,
  });
  const definitionGraph = useRunDefinitionGraph(run);
  const tasks = useRunTasks(run);
  const humanTasks = useRunHumanTasks(run);
  const events = history.data?.events ?? noEvents;
  const humanTaskCalls = useMemo(() => readHumanTaskCalls(id, events), [id, events]);
  const now = useNow(1000, mayChange);
  const [selected, setSelected] = useState<number>();

  if (runData.error && !run) {
    return (
      <>
        <Breadcrumbs id={id} />
        <ErrorNote error={runData.error} />
      </>
    );
  }
  if (!run) return <p className="muted">Loading run…</p>;
  return (
    <>
      <Breadcrumbs id={id} />
      <RunHeader run={run} watch={watch} now={now} />
      {mayChange && <HumanTaskBanner run={run} calls={humanTaskCalls} humanTasks={humanTasks} now={now} />}
      {runData.error && <ErrorNote error={runData.error} />}
      {canAct && <RunActions run={run} onChanged={reload} />}
      {run.error && (
        <section aria-label="Run error">
          <h2>Error</h2>
          <ErrorView error={run.error} />
        </section>
      )}
      <section aria-label="Timeline">
        <h2>Timeline</h2>
        <StepTimeline run={run} now={now} tasks={tasks} onSelect={setSelected} />
      </section>
      {definitionGraph?.data && (
        <section aria-label="Definition">
          <h2>
            Definition{" "}
            <a href={definitionHref(definitionGraph.data.name, definitionGraph.data.version)} className="muted">
              {definitionGraph.data.name} v{definitionGraph.data.version}
            </a>
          </h2>
          {definitionGraph.error && <ErrorNote error={definitionGraph.error} />}
          <Suspense fallback={<p className="muted">Drawing the graph…</p>}>
            <DefinitionGraph
              document={definitionGraph.data.document}
              trace={definitionGraph.data.nodes}
              onSelect={setSelected}
            />
          </Suspense>
        </section>
      )}
      <section aria-label="Graph">
        <h2>Graph</h2>
        <Suspense fallback={<p className="muted">Drawing the graph…</p>}>
          <RunGraph run={run} history={events} onSelect={setSelected} />
        </Suspense>
      </section>
      <section aria-label="Steps">
        <h2>Steps</h2>
        <StepList
          run={run}
          history={events}
          tasks={tasks}
          humanTasks={humanTasks}
          humanTaskCalls={humanTaskCalls}
          selected={selected}
          now={now}
        />
      </section>
      <section className="columns" aria-label="Input and output">
        <div>
          <h2>Input</h2>
          <JsonView value={run.input} />
        </div>
        <div>
          <h2>Output</h2>
          <JsonView value={run.output} />
        </div>
      </section>
      <RunChildren run={run} />
      <section aria-label="History">
        <h2>History</h2>
        {history.error && <ErrorNote error={history.error} />}
        <HistoryList events={events} />
      </section>
    </>
  );
}

function Breadcrumbs({ id }: { id: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <a href="#/runs">Runs</a> / <span className="mono">{id}</span>
    </nav>
  );
}
