/**
 * The layering rule of biome.json (`noRestrictedImports` overrides): the
 * runtime imports nothing from the store, worker, engine or node: modules,
 * and the store nothing from the layers above it. Each case lints a file
 * placed in a copy of the project's folders with the project's biome.json.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const biome = createRequire(join(root, "package.json")).resolve("@biomejs/biome/bin/biome");

/** Lints `source` as the file `path` (relative to the project root); returns the exit code and output. */
function lint(path: string, source: string): { code: number; output: string } {
  const dir = tempDir("baton-layering-");
  copyFileSync(join(root, "biome.json"), join(dir, "biome.json"));
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  const result = spawnSync(process.execPath, [biome, "lint", "--max-diagnostics=50", path], {
    cwd: dir,
    encoding: "utf8",
  });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

const use = (names: string) => `\nexport const used = [${names}];\n`;

test("the runtime may import the core modules beside it", () => {
  const { code, output } = lint(
    "packages/baton/src/runtime/allowed.ts",
    `import { BatonError } from "../errors.js";\nimport { foldHistory } from "./history-state.js";\n${use("BatonError, foldHistory")}`,
  );
  assert.equal(code, 0, output);
});

for (const [what, source] of [
  ["the store", 'import { openStore } from "../store/open-store.js";'],
  ["the worker", 'import { Worker } from "../worker/worker.js";'],
  ["the engine", 'import { createEngine } from "../engine/engine.js";'],
  ["a node: module", 'import { createHash } from "node:crypto";'],
  ["a database driver", 'import pg from "pg";'],
] as const) {
  test(`the lint fails when the runtime imports ${what}`, () => {
    const name = /import \{?\s*(\w+)/.exec(source)?.[1] as string;
    const { code, output } = lint("packages/baton/src/runtime/slip.ts", `${source}\n${use(name)}`);
    assert.notEqual(code, 0, `expected a lint error:\n${output}`);
    assert.match(output, /noRestrictedImports/);
    assert.match(output, /runtime\/ is the deterministic core/);
  });
}

for (const [what, path, source] of [
  ["the worker", "packages/baton/src/store/slip.ts", 'import { Worker } from "../worker/worker.js";'],
  ["the engine", "packages/baton/src/store/sqlite/slip.ts", 'import { createEngine } from "../../engine/engine.js";'],
  [
    "the runtime",
    "packages/baton/src/store/postgres/slip.ts",
    'import { foldHistory } from "../../runtime/history-state.js";',
  ],
] as const) {
  test(`the lint fails when the store imports ${what}`, () => {
    const name = /import \{\s*(\w+)/.exec(source)?.[1] as string;
    const { code, output } = lint(path, `${source}\n${use(name)}`);
    assert.notEqual(code, 0, `expected a lint error:\n${output}`);
    assert.match(output, /store\/ sits below the runtime/);
  });
}
