import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { tempDir } from "../../baton/test/helpers.js";
import { runBaton } from "./run-baton.js";

test("events send on a store without --workflows starts what workers registered, once per id, and says when nothing", async () => {
  const store = `sqlite:${join(tempDir(), "b.db")}`;
  const welcome = defineWorkflow("welcome", async (_ctx, input: { name: string }) => `hi ${input.name}`, {
    events: ["user.created"],
  });
  await using worker = createEngine({ store, workflows: [welcome], pollInterval: 20, logger: { warn: () => {} } });
  await worker.start();

  const sent = await runBaton([
    "events",
    "send",
    "user.created",
    "--payload",
    '{"name":"Cy"}',
    "--id",
    "ev-1",
    "--store",
    store,
  ]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(sent.stdout, "event ev-1: started 1 run (ev-1:welcome), delivered to 0 runs\n");
  const again = await runBaton(["events", "send", "user.created", "--id", "ev-1", "--store", store, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), { id: "ev-1", created: false, started: ["ev-1:welcome"], delivered: [] });
  assert.equal(await worker.handle("ev-1:welcome").result(), "hi Cy");

  const none = await runBaton(["events", "send", "nobody.listens", "--id", "ev-2", "--store", store]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(
    none.stdout,
    'event ev-2: started 0 runs, delivered to 0 runs\nstarted nothing: no workflow is subscribed to event "nobody.listens"\n',
  );
});
