import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type Definition as DefinitionValue, definitionSchema, type Engine } from "baton";
import { RunPath } from "../api-schemas.js";
import type { AppEnv } from "../app-env.js";
import {
  Definition,
  DefinitionList,
  DefinitionPath,
  DefinitionVersionPath,
  DefinitionVersions,
  DeployDefinitionBody,
  DeployedDefinition,
  RunGraph,
} from "../definition-schemas.js";
import { errorResponses, jsonBody, jsonResponse } from "./responses.js";

const tags = ["definitions"];

const schema = createRoute({
  method: "get",
  path: "/api/schemas/workflow-definition.json",
  tags,
  summary: "The JSON Schema of a definition document (for editors; no token needed)",
  security: [],
  responses: {
    200: jsonResponse("The JSON Schema (draft-07)", z.record(z.string(), z.unknown())),
    ...errorResponses(500),
  },
});

const deploy = createRoute({
  method: "post",
  path: "/api/definitions",
  tags,
  summary: "Deploy a definition: checked, then stored as a version",
  description:
    'The body is the document as JSON, or `{ "source": "<YAML or JSON text>" }`. A bad document is refused with `INVALID_DEFINITION` and every issue, each with its path (`steps[3].http.url`); nothing is stored. The version is the document\'s, or the next whole number; the same content again is the same version (200, `unchanged`). A version that runs used never changes: 409 `DEFINITION_IMMUTABLE`.',
  request: jsonBody(DeployDefinitionBody),
  responses: {
    201: jsonResponse("The version, created (or an unused one replaced)", DeployedDefinition),
    200: jsonResponse("The same content was deployed already: that version", DeployedDefinition),
    ...errorResponses(400, 401, 403, 409, 413, 415, 500),
  },
});

const list = createRoute({
  method: "get",
  path: "/api/definitions",
  tags,
  summary: "Every definition, by name, with its newest version",
  responses: { 200: jsonResponse("The definitions", DefinitionList), ...errorResponses(401, 403, 500) },
});

const versions = createRoute({
  method: "get",
  path: "/api/definitions/{name}",
  tags,
  summary: "A definition's versions, newest first, and its newest version whole",
  request: { params: DefinitionPath },
  responses: { 200: jsonResponse("The versions", DefinitionVersions), ...errorResponses(400, 401, 403, 404, 500) },
});

const version = createRoute({
  method: "get",
  path: "/api/definitions/{name}/versions/{version}",
  tags,
  summary: "One version of a definition",
  request: { params: DefinitionVersionPath },
  responses: { 200: jsonResponse("The version", Definition), ...errorResponses(400, 401, 403, 404, 500) },
});

const graph = createRoute({
  method: "get",
  path: "/api/runs/{id}/graph",
  tags,
  summary: "A run of a definition, node by node: completed, failed, waiting, running, skipped or pending",
  request: { params: RunPath },
  responses: {
    200: jsonResponse("The run's definition with each node's part", RunGraph),
    ...errorResponses(400, 401, 403, 404, 500),
  },
});

const toWire = (definition: DefinitionValue) => ({ ...definition, createdAt: definition.createdAt.toISOString() });

/** The definition routes: reads (role `reader`), deploys (role `operator`), and the document's JSON Schema (public). */
export function addDefinitionRoutes(app: OpenAPIHono<AppEnv>, engine: Engine): void {
  app.openapi(schema, (c) => c.json(definitionSchema, 200));
  app.openapi(deploy, async (c) => {
    const body = c.req.valid("json") as Record<string, unknown>;
    const text = Object.keys(body).length === 1 && typeof body.source === "string" ? body.source : undefined;
    const { definition, outcome } = await engine.definitions.deploy(text ?? body);
    return c.json({ ...toWire(definition), outcome } as never, outcome === "unchanged" ? 200 : 201);
  });
  app.openapi(list, async (c) => c.json({ definitions: await engine.definitions.list() } as never, 200));
  app.openapi(versions, async (c) => {
    const { name } = c.req.valid("param");
    const [all, latest] = await Promise.all([engine.definitions.versions(name), engine.definitions.get(name)]);
    return c.json({ name, versions: all, latest: toWire(latest) } as never, 200);
  });
  app.openapi(version, async (c) => {
    const { name, version: wanted } = c.req.valid("param");
    return c.json(toWire(await engine.definitions.get(name, wanted)) as never, 200);
  });
  app.openapi(graph, async (c) => c.json((await engine.definitions.graph(c.req.valid("param").id)) as never, 200));
}
