import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { openStore } from "baton";
import { tempDir } from "./helpers.js";

test("openStore picks the backend by the address's scheme and names an address it cannot open", async () => {
  const store = openStore(`sqlite:${tempDir()}/a.db`);
  assert.equal(store.kind, "sqlite");
  await store.close();
  for (const address of ["constructor:x", "__proto__:x", "mysql://db/x", "postgres:db", "no-scheme", "sqlite:"]) {
    assert.throws(
      () => openStore(address),
      (error: { code?: string; message?: string }) =>
        error.code === "INVALID_STORE" && (error.message ?? "").includes("invalid store"),
      address,
    );
  }
});

test("the PostgreSQL driver is loaded only for a postgres:// store", () => {
  const script = `
    import { createRequire } from "node:module";
    const { createEngine, openStore } = await import("baton");
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]/.test(path));
    const engine = createEngine({ store: "sqlite::memory:", logger: { warn() {} } });
    await engine.start();
    await engine.stop();
    await engine.store.close();
    const before = loaded();
    openStore("postgres://127.0.0.1:1/none");
    console.log(JSON.stringify({ before, after: loaded() }));
  `;
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=development", "--input-type=module", "-e", script],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop() as string), { before: false, after: true });
});
