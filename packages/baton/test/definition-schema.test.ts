import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import Ajv from "ajv";
import { checkDefinition, definitionSchema, nodeKinds, parseDefinitionText } from "baton";

const examples = ["etl.yaml", "refund-request.yaml"].map((name) =>
  readFileSync(new URL(`../../../examples/declarative/${name}`, import.meta.url), "utf8"),
);

/** The published schema, compiled as an editor's validator would (draft-07). */
const validate = new (Ajv as unknown as new (options: object) => { compile(schema: object): (v: unknown) => boolean })({
  allErrors: true,
  strict: false,
}).compile(definitionSchema);

test("the published schema accepts the examples the checker accepts, and names every node kind", async () => {
  for (const text of examples) {
    const document = parseDefinitionText(text);
    assert.ok(validate(document), "the schema accepts the example");
    await checkDefinition(text);
  }
  const { node } = definitionSchema.definitions as { node: { properties: Record<string, unknown> } };
  const { properties } = node;
  assert.deepEqual(
    Object.keys(properties).filter((key) => key !== "id" && key !== "description"),
    [...nodeKinds],
  );
});

test("the published schema refuses what the checker refuses for its shape", async () => {
  const bad = [
    { name: "x", steps: [] },
    { name: "x", steps: [{ id: "a" }] },
    { name: "x", steps: [{ id: "a", task: { name: "t" }, wait: { signal: "s" } }] },
    { name: "x", steps: [{ id: "a", http: { url: "https://x", method: "TRACE" } }] },
    { name: "x", steps: [{ id: "a", forEach: { items: [], concurrency: 0, steps: [{ id: "b", succeed: {} }] } }] },
    { name: "x", extra: 1, steps: [{ id: "a", succeed: {} }] },
  ];
  for (const document of bad) {
    assert.equal(validate(document), false, JSON.stringify(document));
    await assert.rejects(checkDefinition(document), { code: "INVALID_DEFINITION" });
  }
});

test("expressions: a definition reading a secret outside an http node, or one that does not parse, is refused", async () => {
  await assert.rejects(
    checkDefinition({ name: "x", steps: [{ id: "a", wait: { until: "{% $secrets.X %}" } }] }),
    /steps\[0\]\.wait\.until: \$secrets can only be read in an http node/,
  );
  await assert.rejects(
    checkDefinition({ name: "x", steps: [{ id: "a", succeed: { output: { deep: ["{% 1 + %}"] } } }] }),
    /steps\[0\]\.succeed\.output\.deep\[0\]: expression does not parse/,
  );
  const fine = await checkDefinition({
    name: "x",
    version: 3,
    steps: [{ id: "a", http: { url: "{% 'https://api/' & $secrets.KEY %}" } }],
  });
  assert.equal(fine.version, "3", "a whole-number version is kept as text");
});
