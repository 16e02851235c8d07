import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readMigrations } from "../src/store/migration-files.js";
import { tempDir } from "./helpers.js";

test("migrations are read in order of their number; two files of one number are refused, naming both", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "0002-second.sql"), "SELECT 2;");
  writeFileSync(join(dir, "0001-first.sql"), "SELECT 1;");
  writeFileSync(join(dir, "notes.txt"), "not a migration");
  assert.deepEqual(
    readMigrations(dir).map(({ version, name }) => [version, name]),
    [
      [1, "first"],
      [2, "second"],
    ],
  );
  writeFileSync(join(dir, "0002-other.sql"), "SELECT 3;");
  assert.throws(() => readMigrations(dir), {
    code: "INVALID_MIGRATIONS",
    message: /two migrations numbered 2 \("other" and "second"\)/,
  });
});
