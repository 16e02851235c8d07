/**
 * The CPU meter of the bench: parsing of `/proc` lines, and on Linux a
 * measurement of this process's own work.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseMachineTicks, parseProcessTicks, startCpuMeter } from "../lib/cpu-meter.js";

test("the machine's busy and total ticks and its processors are read from /proc/stat", () => {
  const stat = [
    "cpu  100 5 30 800 20 3 2 10 0 0",
    "cpu0 50 2 15 400 10 1 1 5 0 0",
    "cpu1 50 3 15 400 10 2 1 5 0 0",
    "intr 12345",
  ].join("\n");
  // busy: user + nice + system + irq + softirq + steal; idle and iowait are not.
  assert.deepEqual(parseMachineTicks(stat), { busy: 150, total: 970, processors: 2 });
  assert.equal(parseMachineTicks("intr 1\n"), undefined);
});

test("a process's name, user + system ticks and ended children's ticks are read from its stat line, whatever its name holds", () => {
  const fields = (name: string) =>
    `4242 (${name}) S 1 4242 4242 0 -1 4194560 2000 0 0 0 731 269 40 2 20 0 1 0 123 456789 1234 18446744073709551615`;
  assert.deepEqual(parseProcessTicks(fields("postgres")), { name: "postgres", ticks: 1000, children: 42 });
  assert.deepEqual(parseProcessTicks(fields("a (b) c")), { name: "a (b) c", ticks: 1000, children: 42 });
  assert.equal(parseProcessTicks("no name here"), undefined);
});

test("on Linux the meter counts this process's work, as the bench's and as a given process's", () => {
  const meter = startCpuMeter([process.pid]);
  const until = performance.now() + 300;
  let spins = 0;
  while (performance.now() < until) spins++;
  const use = meter.stop();
  assert.ok(spins > 0);
  if (process.platform !== "linux") {
    assert.deepEqual(use, { busy: null, postgres: null, processes: null, bench: null });
    return;
  }
  for (const key of ["busy", "postgres", "processes", "bench"] as const) {
    assert.ok(typeof use[key] === "number" && use[key] >= 0, `${key}: ${use[key]}`);
  }
  assert.ok((use.bench as number) > 0, `bench: ${use.bench}`);
  assert.equal(use.processes, use.bench);
  // The machine was at least as busy as this process (ticks of both are counted alike, to one tick).
  assert.ok((use.busy as number) >= (use.bench as number) - 0.1, `busy ${use.busy} < bench ${use.bench}`);
});
