import assert from "node:assert/strict";
import { test } from "node:test";
import {
  collectFormData,
  initialFormValues,
  isoToLocalInput,
  localInputToIso,
  parseIssuePath,
  placeIssues,
} from "../web/lib/form-data.js";
import { type FormField, type FormModel, readFormModel } from "../web/lib/form-model.js";

const expense = {
  type: "object",
  title: "Expense",
  description: "Check the receipt first.",
  properties: {
    approved: { type: "boolean", title: "Approve", default: true },
    amount: { type: "number", title: "Amount (EUR)", minimum: 0, maximum: 1000 },
    nights: { type: "integer", minimum: 1 },
    reason: { type: "string", maxLength: 80, description: "One line." },
    notes: { type: "string", maxLength: 2000 },
    category: { type: "string", enum: ["travel", "meals", "other"] },
    level: {
      oneOf: [
        { const: 1, title: "Low" },
        { const: 2, title: "High" },
      ],
    },
    tags: { type: "array", items: { enum: ["urgent", "client", "internal"] }, default: ["client"] },
    spentOn: { type: "string", format: "date" },
    refundAt: { type: "string", format: "date-time" },
    manager: { $ref: "#/definitions/person" },
    lines: { type: "array", items: { type: "object" } },
  },
  required: ["approved", "amount", "category"],
  definitions: { person: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
};

const fieldsOf = (model: FormModel): FormField[] => (model.kind === "fields" ? model.fields : []);
const byKey = (model: FormModel, key: string) => fieldsOf(model).find((field) => field.key === key);

test("an object schema becomes one field per property, in order, each of the kind its schema asks for", () => {
  const model = readFormModel(expense);
  assert.equal(model.kind, "fields");
  assert.deepEqual(
    fieldsOf(model).map((field) => [field.key, field.kind]),
    [
      ["approved", "checkbox"],
      ["amount", "number"],
      ["nights", "number"],
      ["reason", "text"],
      ["notes", "text"],
      ["category", "select"],
      ["level", "select"],
      ["tags", "choices"],
      ["spentOn", "text"],
      ["refundAt", "text"],
      ["manager", "group"],
      ["lines", "json"],
    ],
  );
  assert.deepEqual(model.kind === "fields" && [model.title, model.description], [
    "Expense",
    "Check the receipt first.",
  ]);
  assert.deepEqual(byKey(model, "amount"), {
    path: ["amount"],
    key: "amount",
    label: "Amount (EUR)",
    required: true,
    nullable: false,
    kind: "number",
    integer: false,
    minimum: 0,
    maximum: 1000,
  });
  const nights = byKey(model, "nights");
  assert.equal(nights?.label, "nights", "the property name labels a field without a title");
  assert.deepEqual(nights?.kind === "number" && [nights.integer, nights.minimum, nights.maximum, nights.required], [
    true,
    1,
    undefined,
    false,
  ]);
  const reason = byKey(model, "reason");
  assert.deepEqual(reason?.kind === "text" && [reason.input, reason.multiline, reason.maxLength, reason.hint], [
    "text",
    false,
    80,
    "One line.",
  ]);
  const notes = byKey(model, "notes");
  assert.equal(notes?.kind === "text" && notes.multiline, true, "a long text is a text area");
  const category = byKey(model, "category");
  assert.deepEqual(category?.kind === "select" && category.options.map((o) => o.label), ["travel", "meals", "other"]);
  const level = byKey(model, "level");
  assert.deepEqual(level?.kind === "select" && level.options, [
    { value: 1, label: "Low" },
    { value: 2, label: "High" },
  ]);
  const tags = byKey(model, "tags");
  assert.deepEqual(tags?.kind === "choices" && tags.options.map((o) => o.value), ["urgent", "client", "internal"]);
  const dates = ["spentOn", "refundAt"].map((key) => byKey(model, key));
  assert.deepEqual(
    dates.map((field) => field?.kind === "text" && field.input),
    ["date", "datetime-local"],
  );
  const manager = byKey(model, "manager");
  assert.deepEqual(
    manager?.kind === "group" && manager.fields.map((f) => [f.key, f.kind, f.required]),
    [["manager.name", "text", true]],
    "a local $ref is followed",
  );
  assert.equal(byKey(model, "lines")?.kind, "json", "a list of objects is JSON text");
});

test("a schema that cannot be drawn as fields is answered as JSON text, as is a human task without a form", () => {
  for (const form of [
    { type: "array", items: { type: "string" } },
    { type: "object" },
    { anyOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "string" }] },
    { type: "string", default: "x" },
  ]) {
    const model = readFormModel(form);
    assert.equal(model.kind, "json", JSON.stringify(form));
  }
  const none = readFormModel(undefined);
  assert.deepEqual([none.kind, none.kind === "json" && none.schema], ["json", undefined]);
  assert.deepEqual(initialFormValues(readFormModel({ type: "string", default: "x" })), { "": '"x"' });
  const weird = readFormModel({
    type: "object",
    properties: {
      either: { type: ["string", "number"] },
      maybe: { type: ["string", "null"] },
      any: {},
      loop: { $ref: "#/properties/loop" },
      deep: {
        properties: { b: { properties: { c: { properties: { d: { properties: { e: { type: "string" } } } } } } } },
      },
    },
  });
  assert.deepEqual(
    fieldsOf(weird).map((f) => [f.key, f.kind, f.nullable]),
    [
      ["either", "json", false],
      ["maybe", "text", true],
      ["any", "json", false],
      ["loop", "json", false],
      ["deep", "group", false],
    ],
  );
  const deep = byKey(weird, "deep");
  const c = deep?.kind === "group" && deep.fields[0]?.kind === "group" ? deep.fields[0].fields[0] : undefined;
  assert.deepEqual(c?.kind === "group" && c.fields.map((f) => [f.key, f.kind]), [["deep.b.c.d", "json"]]);
});

test("the first values come from the defaults; the data leaves empty entries out and reads numbers and JSON", () => {
  const model = readFormModel(expense);
  const values = initialFormValues(model);
  assert.deepEqual(values, {
    approved: true,
    amount: "",
    nights: "",
    reason: "",
    notes: "",
    category: "",
    level: "",
    tags: [1],
    spentOn: "",
    refundAt: "",
    "manager.name": "",
    lines: "",
  });
  assert.deepEqual(collectFormData(model, values), { ok: true, data: { approved: true, tags: ["client"] } });
  const filled = {
    ...values,
    approved: false,
    amount: " 12.5 ",
    nights: "2",
    reason: "client visit",
    category: "0",
    level: "1",
    tags: [2, 0],
    spentOn: "2026-03-01",
    refundAt: "2026-03-02T09:30",
    "manager.name": "Grace",
    lines: '[{"item": "train"}]',
  };
  assert.deepEqual(collectFormData(model, filled), {
    ok: true,
    data: {
      approved: false,
      amount: 12.5,
      nights: 2,
      reason: "client visit",
      category: "travel",
      level: 2,
      tags: ["urgent", "internal"],
      spentOn: "2026-03-01",
      refundAt: new Date("2026-03-02T09:30").toISOString(),
      manager: { name: "Grace" },
      lines: [{ item: "train" }],
    },
  });
  const unread = collectFormData(model, { ...filled, amount: "twelve", lines: "[oops" });
  assert.equal(unread.ok, false);
  assert.deepEqual(!unread.ok && unread.problems.map((p) => `${p.path}: ${p.message.replace(/ \(.*/, "")}`), [
    "amount: is not a number",
    "lines: is not JSON",
  ]);
  const nullable = readFormModel({ type: "object", properties: { maybe: { type: ["string", "null"] } } });
  assert.deepEqual(collectFormData(nullable, { maybe: "" }), { ok: true, data: { maybe: null } });
  assert.deepEqual(collectFormData(readFormModel(undefined), { "": "  " }), { ok: true, data: undefined });
  assert.deepEqual(collectFormData(readFormModel(undefined), { "": '{"ok":1}' }), { ok: true, data: { ok: 1 } });
});

test("date-time entries are the browser's local time, sent as UTC", () => {
  const iso = localInputToIso("2026-03-02T09:30");
  assert.equal(iso, new Date(2026, 2, 2, 9, 30).toISOString());
  assert.equal(isoToLocalInput(iso ?? ""), "2026-03-02T09:30");
  assert.equal(isoToLocalInput("not a time"), "");
  assert.equal(localInputToIso(""), undefined);
});

test("the API's issues go next to the field they name, the others above the form", () => {
  assert.deepEqual(parseIssuePath("a.b[0]"), ["a", "b", "0"]);
  assert.deepEqual(parseIssuePath(""), []);
  const model = readFormModel(expense);
  const placed = placeIssues(model, [
    { path: "amount", message: "must be >= 0" },
    { path: "category", message: "must have required property 'category'" },
    { path: "tags[1]", message: "must be equal to one of the allowed values" },
    { path: "manager.name", message: "must be string" },
    { path: "manager", message: "must be object" },
    { path: "", message: "must NOT have additional properties" },
    { path: "extra.field", message: "is unknown" },
  ]);
  assert.deepEqual(Object.fromEntries(placed.byField), {
    amount: ["must be >= 0"],
    category: ["must have required property 'category'"],
    tags: ["must be equal to one of the allowed values"],
    "manager.name": ["must be string"],
    manager: ["must be object"],
  });
  assert.deepEqual(placed.general, [
    { path: "", message: "must NOT have additional properties" },
    { path: "extra.field", message: "is unknown" },
  ]);
  assert.deepEqual(placeIssues(readFormModel(undefined), [{ path: "a", message: "x" }]).general, [
    { path: "a", message: "x" },
  ]);
});
