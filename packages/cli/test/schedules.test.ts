import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { clientWorkflows, createProject } from "./project.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

test("baton schedules: create, list, pause, resume, trigger, backfill and delete, on a store and through a server", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const store = `sqlite:${join(dir, "b.db")}`;
  const migrated = await runBaton(["migrate", "--store", store], { cwd: dir });
  assert.equal(migrated.code, 0, migrated.stderr);
  const baton = async (args: string[], code = 0) => {
    const result = await runBaton(args, { cwd: dir });
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    return code === 0 ? result.stdout : result.stderr;
  };
  const onStore = ["--store", store];
  const withCode = [...onStore, "--workflows", "flows.ts"];
  const weekdays = ["--workflow", "greet", "--cron", "0 9 * * 1-5", "--timezone", "Europe/Paris", "--input", '"Ada"'];

  assert.match(
    await baton(["schedules", "create", "nightly", ...weekdays, ...onStore], 2),
    /needs the workflow code: pass --workflows <module>/,
  );
  assert.match(
    await baton(["schedules", "create", "nightly", ...weekdays, ...withCode]),
    /^created schedule nightly \(greet, 0 9 \* \* 1-5 Europe\/Paris\): next \d{4}-\d\d-\d\d 09:00:00 Europe\/Paris\n$/,
  );
  const table = (await baton(["schedules", "list", ...onStore])).split("\n");
  assert.match(table[0] ?? "", /^ID\s+WORKFLOW\s+WHEN\s+NEXT\s+LAST RUN\s+STATE$/);
  assert.match(
    table[1] ?? "",
    /^nightly\s+greet\s+0 9 \* \* 1-5 Europe\/Paris\s+\S+ 09:00:00 Europe\/Paris\s+none\s+active$/,
  );

  assert.equal(await baton(["schedules", "pause", "nightly", ...onStore]), "paused schedule nightly\n");
  const paused = JSON.parse(await baton(["schedules", "list", "--json", ...onStore]));
  assert.equal(paused.schedules[0].paused, true);
  assert.equal(paused.schedules[0].nextFireAt, undefined);
  assert.match(
    await baton(["schedules", "resume", "nightly", ...onStore]),
    /^resumed schedule nightly: next \S+ 09:00:00 Europe\/Paris\n$/,
  );
  assert.match(await baton(["schedules", "trigger", "nightly", ...withCode]), /^started run nightly@\S+Z\n$/);

  const range = ["--from", "2026-11-02T00:00:00Z", "--to", "2026-11-07T00:00:00Z"];
  assert.equal(
    await baton(["schedules", "backfill", "nightly", ...range, ...withCode]),
    "5 fire times: created 5 runs\n",
  );
  assert.equal(
    await baton(["schedules", "backfill", "nightly", ...range, ...withCode]),
    "5 fire times: created 0 runs (the others existed)\n",
  );
  const runs = JSON.parse(await baton(["runs", "list", "--schedule", "nightly", "--json", ...onStore]));
  assert.equal(runs.runs.length, 6);
  assert.ok(runs.runs.some((run: { id: string }) => run.id === "nightly@2026-11-02T08:00:00.000Z"));
  assert.match(
    await baton(["schedules", "create", "bad", "--workflow", "greet", "--cron", "not a cron", ...withCode], 1),
    /INVALID_SCHEDULE: .*cron "not a cron" does not parse/,
  );

  // The same through a server that has the workflow code.
  const { server, url } = await startServe(["flows.ts", ...onStore], { cwd: dir });
  try {
    const viaUrl = ["--url", url];
    assert.match(
      await baton([
        "schedules",
        "create",
        "hourly",
        "--workflow",
        "greet",
        "--every",
        "1h",
        "--input",
        '"Bob"',
        "--paused",
        ...viaUrl,
      ]),
      /^created schedule hourly \(greet, every 1h\): paused\n$/,
    );
    const listed = JSON.parse(await baton(["schedules", "list", "--json", ...viaUrl]));
    assert.deepEqual(
      listed.schedules.map((s: { id: string; source: string }) => `${s.id}:${s.source}`),
      ["hourly:api", "nightly:api"],
    );
    assert.match(await baton(["schedules", "trigger", "hourly", ...viaUrl]), /^started run hourly@\S+Z\n$/);
    assert.equal(await baton(["schedules", "delete", "nightly", ...viaUrl]), "deleted schedule nightly\n");
    assert.match(await baton(["schedules", "delete", "nightly", ...viaUrl], 1), /SCHEDULE_NOT_FOUND/);
    const exists = await baton(["schedules", "create", "hourly", "--workflow", "greet", "--every", "2h", ...viaUrl], 1);
    assert.match(exists, /SCHEDULE_EXISTS/);
  } finally {
    await server.stop();
  }
});
