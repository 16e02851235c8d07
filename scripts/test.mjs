// Runs every *.test.ts file with Node's test runner (Node 20 does not expand globs).
// Usage: node scripts/test.mjs [filter...]   (a filter keeps files whose path contains it)
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const roots = ["packages", "examples"];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.ts")) files.push(relative(process.cwd(), path));
  }
};
for (const root of roots) walk(root);
const filters = process.argv.slice(2);
const selected = files.sort().filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--conditions=development", "--test", "--test-concurrency=2", ...selected],
  { stdio: "inherit" },
);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
