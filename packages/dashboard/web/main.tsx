import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProvider } from "./api/api-context.js";
import { App } from "./app.js";
import "./styles/base.css";
import "./styles/lists.css";
import "./styles/run.css";
import "./styles/timeline.css";
import "./styles/graph.css";
import "./styles/definition-graph.css";
import "./styles/forms.css";

// The views live in the hash: a path such as /runs/abc (the server answers every path with this page) becomes #/runs/abc.
if (window.location.pathname !== "/" && !window.location.hash) {
  window.history.replaceState(null, "", `/#${window.location.pathname}${window.location.search}`);
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
