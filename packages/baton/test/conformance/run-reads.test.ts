/**
 * Reads of runs by id: many at once (thousands of `result()` waits poll
 * their runs) each get their own run, and a run whose stored values cannot
 * be decoded fails its own read only.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "baton";
import { newRun, rawSql, tempStore } from "../helpers.js";

test("many reads of runs at once each get their own run, an unknown id none, a run that cannot be decoded fails alone", async () => {
  const address = tempStore();
  const store = openStore(address);
  try {
    await store.migrate();
    const ids = Array.from({ length: 600 }, (_, i) => `r-${i}`);
    for (let i = 0; i < ids.length; i += 200) {
      await Promise.all(ids.slice(i, i + 200).map((id, j) => store.createRun(newRun(id), i + j)));
    }
    const read = await Promise.all([...ids, "nowhere"].map((id) => store.getRun(id)));
    assert.deepEqual(
      read.map((run) => run?.id),
      [...ids, undefined],
    );
    assert.deepEqual(read[42]?.input, { id: "r-42" });
    await rawSql(address, "UPDATE runs SET input = 'not json' WHERE id = 'r-7'");
    const [broken, fine] = await Promise.allSettled([store.getRun("r-7"), store.getRun("r-8")]);
    assert.equal(broken.status, "rejected");
    assert.ok(broken.status === "rejected" && broken.reason instanceof SyntaxError, "the run that cannot be decoded");
    assert.equal(fine.status === "fulfilled" ? fine.value?.id : undefined, "r-8", "the other read of the same turn");
  } finally {
    await store.close();
  }
});
