import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { dashboardDir, isDashboardBuilt } from "../src/index.js";
import { ensureDashboardBuilt, packageDir } from "./support/ensure-dashboard-built.js";

before(() => ensureDashboardBuilt());

test("dashboardDir is the absolute path of the built files, and isDashboardBuilt says they are there", () => {
  assert.equal(dashboardDir, join(packageDir, "dist"));
  assert.equal(isDashboardBuilt(), true);
  assert.ok(existsSync(join(dashboardDir, "index.html")));
});
