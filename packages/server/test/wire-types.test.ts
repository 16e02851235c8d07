import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const source = readFileSync(new URL("../src/wire-types.ts", import.meta.url), "utf8");
const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

test("the wire types import nothing and hold nothing but types, so a browser build loads them", () => {
  assert.doesNotMatch(code, /^\s*import\b/m, "wire-types.ts imports a module");
  assert.doesNotMatch(code, /\bimport\s*\(|\brequire\s*\(/, "wire-types.ts loads a module");
  const exported = code.match(/^export\s+\S+(\s+\S+)?/gm) ?? [];
  assert.ok(exported.length > 20, "no exports found");
  for (const line of exported) assert.match(line, /^export\s+(type|interface)\b/, `a runtime export: ${line}`);
});

test("the package exports the wire types as a subpath with the conditions of its main entry", () => {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  assert.deepEqual(manifest.exports["./wire-types"], {
    development: "./src/wire-types.ts",
    types: "./src/wire-types.ts",
    default: "./dist/wire-types.js",
  });
});
