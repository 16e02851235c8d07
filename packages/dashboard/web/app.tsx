import { useApi } from "./api/api-context.js";
import { TokenPrompt } from "./components/token-prompt.js";
import { useRoute } from "./hooks/use-route.js";
import { AppHeader } from "./views/app-header.js";
import { DefinitionView } from "./views/definition-view.js";
import { DefinitionsView } from "./views/definitions-view.js";
import { HumanTaskView } from "./views/human-task-view.js";
import { InboxView } from "./views/inbox-view.js";
import { QueuesView } from "./views/queues-view.js";
import { RunView } from "./views/run-view.js";
import { RunsView } from "./views/runs-view.js";
import { SchedulesView } from "./views/schedules-view.js";
import { TasksView } from "./views/tasks-view.js";
import { WaitingView } from "./views/waiting-view.js";
import { WorkflowsView } from "./views/workflows-view.js";

/** The dashboard: a header and the view of the current route; the token prompt when the API asks for one. */
export function App() {
  const route = useRoute();
  const { needsToken } = useApi();
  return (
    <>
      <AppHeader route={route.name} />
      <main>
        {route.name === "runs" && <RunsView query={route.query} />}
        {route.name === "run" && <RunView key={route.id} id={route.id} />}
        {route.name === "waiting" && <WaitingView />}
        {route.name === "workflows" && <WorkflowsView />}
        {route.name === "definitions" && <DefinitionsView />}
        {route.name === "definition" && (
          <DefinitionView key={route.definition} name={route.definition} version={route.version} />
        )}
        {route.name === "queues" && <QueuesView />}
        {route.name === "schedules" && <SchedulesView />}
        {route.name === "tasks" && <TasksView query={route.query} />}
        {route.name === "inbox" && <InboxView query={route.query} />}
        {route.name === "human-task" && <HumanTaskView key={route.id} id={route.id} />}
        {route.name === "not-found" && (
          <p className="empty">
            Nothing here. <a href="#/runs">See the runs</a>.
          </p>
        )}
      </main>
      {needsToken && <TokenPrompt />}
    </>
  );
}
