import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore, type Store } from "baton";
import { newRun, tempStore } from "../helpers.js";

/** A store with run `parent` claimed by `w1`; answers its lease. */
async function withParent(store: Store) {
  await store.migrate();
  await store.createRun(newRun("parent"), 1);
  const [claimed] = (await store.claimRuns({ owner: "w1", now: 2, leaseMs: 60_000, limit: 1, workflows: ["w@1"] }))
    .runs;
  assert.ok(claimed);
  return claimed.lease;
}

test("a write creating children answers the ids it found taken, and leaves its run poked", async () => {
  const store = openStore(tempStore());
  const lease = await withParent(store);
  await store.createRun(newRun("taken"), 3);
  const before = (await store.getRun("parent"))?.pokeSeq ?? 0;
  const child = (id: string) => ({ ...newRun(id), parentId: "parent" });
  const result = await store.appendHistory(lease, {
    kind: "full",
    events: [
      { seq: 2, type: "child.started", at: 4, position: 0, name: "w", childId: "fresh" },
      { seq: 3, type: "child.started", at: 4, position: 1, name: "w", childId: "taken" },
    ],
    children: [child("fresh"), child("taken")],
    now: 4,
  });
  assert.deepEqual(result?.existingChildren, ["taken"]);
  assert.equal((await store.getRun("fresh"))?.parentId, "parent");
  assert.equal((await store.getRun("taken"))?.parentId, undefined, "the run that held the id is kept as it was");
  assert.ok(((await store.getRun("parent"))?.pokeSeq ?? 0) > before, "poked: a worker taking it over checks the id");

  const fresh = await store.appendHistory(lease, {
    kind: "full",
    events: [{ seq: 4, type: "child.started", at: 5, position: 2, name: "w", childId: "fresh-2" }],
    children: [child("fresh-2")],
    now: 5,
  });
  assert.equal(fresh?.existingChildren, undefined, "no id taken: nothing to answer");
  await store.close();
});

test("findUnlinkedRuns, linkChild and countChildren", async () => {
  const store = openStore(tempStore());
  await withParent(store);
  await store.createRun(newRun("other-parent"), 1);
  await store.createRun({ ...newRun("mine"), parentId: "parent" }, 3);
  await store.createRun({ ...newRun("theirs"), parentId: "other-parent" }, 3);
  await store.createRun(newRun("lone"), 3);
  const unlinked = await store.findUnlinkedRuns("parent", ["mine", "theirs", "lone", "missing"]);
  assert.deepEqual(unlinked.map((run) => run.id).sort(), ["lone", "theirs"]);
  assert.equal(await store.countChildren("parent"), 1);

  assert.equal(await store.linkChild("theirs", "parent", 5), false, "the child of another run stays theirs");
  assert.equal((await store.getRun("theirs"))?.parentId, "other-parent");
  assert.equal(await store.linkChild("mine", "parent", 5), true, "already linked: true");
  const pokeBefore = (await store.getRun("parent"))?.pokeSeq ?? 0;
  assert.equal(await store.linkChild("lone", "parent", 5), true);
  assert.equal((await store.getRun("lone"))?.parentId, "parent");
  assert.equal((await store.getRun("parent"))?.pokeSeq, pokeBefore, "a child still running: no poke");
  assert.equal(await store.countChildren("parent"), 2);
  assert.deepEqual(await store.findUnlinkedRuns("parent", ["mine", "lone"]), []);
  await store.close();
});

test("linkChild of a run that has finished pokes its new parent", async () => {
  const store = openStore(tempStore());
  await withParent(store);
  await store.createRun(newRun("ended"), 3);
  const [claimed] = (await store.claimRuns({ owner: "w2", now: 4, leaseMs: 60_000, limit: 5, workflows: ["w@1"] }))
    .runs;
  assert.equal(claimed?.run.id, "ended");
  await store.appendHistory(claimed.lease, {
    kind: "finish",
    events: [{ seq: 2, type: "run.completed", at: 5, output: 1 }],
    status: "completed",
    output: 1,
    now: 5,
  });
  const before = (await store.getRun("parent"))?.pokeSeq ?? 0;
  assert.equal(await store.linkChild("ended", "parent", 6), true);
  assert.ok(((await store.getRun("parent"))?.pokeSeq ?? 0) > before);
  assert.deepEqual(
    (await store.readInbox("parent")).finishedChildren.map((run) => run.id),
    ["ended"],
  );
  await store.close();
});
