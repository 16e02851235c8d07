import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { startEngine, statusOf, tempStore } from "../helpers.js";

const v1 = defineWorkflow("parcel", async (ctx) => ctx.waitForSignal("go"), { version: "1" });
const v2 = defineWorkflow("parcel", async () => "v2", { version: "2" });

test("live workers are listed with the versions they serve; open runs of a version none serves are counted", async () => {
  const store = tempStore();
  await using newer = await startEngine([v2], { store, workerId: "newer" });
  await using starter = await startEngine([v1], { store, start: false });
  await starter.startRun(v1, undefined, { id: "p-1" });
  await starter.startRun(v1, undefined, { id: "p-2" });
  let list = await newer.listWorkers();
  assert.deepEqual(
    list.workers.map((w) => [w.id, w.workflows]),
    [["newer", ["parcel@2"]]],
  );
  assert.ok(list.workers[0]?.seenAt instanceof Date);
  assert.deepEqual(list.unserved, [{ workflow: "parcel", version: "1", runs: 2 }]);
  {
    await using older = await startEngine([v1], { store, workerId: "older" });
    await statusOf(older, "p-1", "waiting");
    list = await newer.listWorkers();
    assert.deepEqual(
      list.workers.map((w) => w.id),
      ["newer", "older"],
    );
    assert.deepEqual(list.unserved, [], "a live worker serves version 1");
  }
  list = await newer.listWorkers();
  assert.deepEqual(
    list.workers.map((w) => w.id),
    ["newer"],
    "a stopped worker is forgotten",
  );
  assert.deepEqual(list.unserved, [{ workflow: "parcel", version: "1", runs: 2 }], "its waiting runs wait for another");
});
