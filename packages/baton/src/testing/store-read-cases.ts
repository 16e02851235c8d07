import assert from "node:assert/strict";
import { type StoreCase, suiteRun } from "./store-case.js";

/** The store suite's tests of reading runs: by id, listed, counted, their history. */
export const storeReadCases: StoreCase[] = [
  {
    name: "getRun of an unknown id is undefined; getHistory of one is empty",
    async run(store) {
      assert.equal(await store.getRun("nope"), undefined);
      assert.deepEqual(await store.getHistory("nope"), []);
      assert.deepEqual(await store.listPendingSignals("nope"), []);
    },
  },
  {
    name: "listRuns filters and pages newest first; countRuns counts by workflow, version and status",
    async run(store) {
      for (let i = 1; i <= 5; i++) await store.createRun(suiteRun(`run-${i}`), i * 10);
      await store.createRun({ ...suiteRun("other-1"), workflow: "other" }, 60);
      await store.createRun({ ...suiteRun("child-1"), parentId: "run-1" }, 70);
      const ids = (page: { runs: { id: string }[] }) => page.runs.map((run) => run.id);
      assert.deepEqual(ids(await store.listRuns({ workflow: "w", idContains: "RUN-" })), [
        "run-5",
        "run-4",
        "run-3",
        "run-2",
        "run-1",
      ]);
      const first = await store.listRuns({ workflow: "w", limit: 2 });
      assert.deepEqual(ids(first), ["child-1", "run-5"]);
      assert.ok(first.nextCursor);
      const second = await store.listRuns({ workflow: "w", limit: 2, cursor: first.nextCursor });
      assert.deepEqual(ids(second), ["run-4", "run-3"]);
      assert.deepEqual(ids(await store.listRuns({ parentId: "run-1" })), ["child-1"]);
      assert.deepEqual(ids(await store.listRuns({ workflow: "other", status: "pending" })), ["other-1"]);
      assert.deepEqual(ids(await store.listRuns({ status: ["completed", "failed"] })), []);
      assert.deepEqual(
        ids(await store.listRuns({ createdAfter: new Date(30), createdBefore: new Date(50), workflow: "w" })),
        ["run-4", "run-3"],
      );
      const counts = (await store.countRuns()).sort((a, b) => a.workflow.localeCompare(b.workflow));
      assert.deepEqual(counts, [
        { workflow: "other", version: "1", status: "pending", count: 1 },
        { workflow: "w", version: "1", status: "pending", count: 6 },
      ]);
    },
  },
  {
    name: "listRuns by queue: the runs of one named queue, or of default, newest first and paged",
    async run(store) {
      await store.createRun({ ...suiteRun("mail-1"), queue: "emails" }, 10);
      await store.createRun(suiteRun("plain-1"), 20);
      await store.createRun({ ...suiteRun("mail-2"), queue: "emails", priority: 5 }, 30);
      await store.createRun({ ...suiteRun("bill-1"), queue: "billing" }, 40);
      await store.createRun({ ...suiteRun("mail-3"), queue: "emails" }, 50);
      const ids = (page: { runs: { id: string }[] }) => page.runs.map((run) => run.id);
      assert.deepEqual(ids(await store.listRuns({ queue: "emails" })), ["mail-3", "mail-2", "mail-1"]);
      assert.deepEqual(ids(await store.listRuns({ queue: "default" })), ["plain-1"]);
      assert.deepEqual(ids(await store.listRuns({ queue: "billing", status: "pending" })), ["bill-1"]);
      assert.deepEqual(ids(await store.listRuns({ queue: "nowhere" })), []);
      const first = await store.listRuns({ queue: "emails", limit: 2 });
      assert.deepEqual(ids(first), ["mail-3", "mail-2"]);
      assert.deepEqual(ids(await store.listRuns({ queue: "emails", limit: 2, cursor: first.nextCursor })), ["mail-1"]);
    },
  },
  {
    name: "history keeps every field of an event and reads back in seq order",
    async run(store) {
      await store.createRun(suiteRun("h"), 1);
      const [claimed] = (await store.claimRuns({ owner: "w", now: 2, leaseMs: 1000, limit: 1, workflows: ["w@1"] }))
        .runs;
      assert.ok(claimed);
      const error = { name: "Error", message: "try again", code: "E_AGAIN" };
      const events = [
        { seq: 2, type: "step.started" as const, at: 3, position: 0, name: "charge", attempt: 1 },
        { seq: 3, type: "step.failed" as const, at: 4, position: 0, name: "charge", attempt: 1, error, dueAt: 1004 },
        { seq: 4, type: "step.started" as const, at: 1004, position: 0, name: "charge", attempt: 2 },
        {
          seq: 5,
          type: "step.completed" as const,
          at: 1005,
          position: 0,
          name: "charge",
          attempt: 2,
          output: { id: "c-1", amounts: [1, 2.5], ok: true, none: null, text: "é \u2028 ✓" },
        },
        { seq: 6, type: "child.started" as const, at: 1006, position: 1, name: "w", childId: "h-1", input: { x: 1 } },
      ];
      await store.appendHistory(claimed.lease, { kind: "progress", events: events.slice(0, 2), now: 4 });
      await store.appendHistory(claimed.lease, { kind: "progress", events: events.slice(2), now: 1006 });
      const history = await store.getHistory("h");
      assert.deepEqual(history.slice(1), events);
      assert.equal((await store.getRun("h"))?.lastSeq, 6);
    },
  },
];
