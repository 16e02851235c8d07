import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { Engine } from "baton";
import { createWarehouse, type OrderRow } from "./declarative/etl-tasks.js";
import { eventually, failureOf, startEngine } from "./test-helpers.js";

const etl = readFileSync(new URL("./declarative/etl.yaml", import.meta.url), "utf8");
const refundRequest = readFileSync(new URL("./declarative/refund-request.yaml", import.meta.url), "utf8");

const row = (id: string, amount: number, currency = "EUR"): OrderRow => ({ id, amount, currency });

/** Completes the open human task of `runId` as `by` with `data`. */
async function answer(engine: Engine, runId: string, by: string, data: unknown) {
  const task = await eventually(async () => (await engine.humanTasks.list({ runId })).humanTasks[0]);
  await engine.humanTasks.complete(task.id, { by, data });
  return task;
}

test("the nightly ETL loads a clean day, asks a person about a few bad rows, and stops on many", async () => {
  const warehouse = createWarehouse({
    "2026-12-01": [row("a", 10), row("b", 20)],
    "2026-12-02": [row("c", 10), row("d", -5), row("e", 30)],
    "2026-12-03": [row("f", 0), row("g", 1, "euro"), row("h", -1), row("i", 4)],
  });
  await using engine = await startEngine([], { tasks: warehouse.tasks });
  await engine.definitions.deploy(etl);

  const clean = await engine.startRun("nightly-etl", { date: "2026-12-01" });
  const output = (await clean.result()) as { loaded: number; batch: string };
  assert.equal(output.loaded, 2);
  assert.equal(warehouse.batches.get(output.batch)?.length, 2);

  const few = await engine.startRun("nightly-etl", { date: "2026-12-02" });
  const task = await answer(engine, few.id, "ada", { load: true });
  assert.equal(task.title, "1 bad rows on 2026-12-02: load the others?");
  assert.deepEqual(
    (task.context as { bad: OrderRow[] }).bad.map((r) => r.id),
    ["d"],
  );
  const partial = (await few.result()) as { loaded: number; batch: string };
  assert.deepEqual(
    warehouse.batches.get(partial.batch)?.map((r) => r.id),
    ["c", "e"],
  );

  const many = await engine.startRun("nightly-etl", { date: "2026-12-03" });
  const failure = await failureOf(many.result());
  assert.equal(failure.error?.code, "QUALITY_GATE");
  assert.equal((await engine.definitions.graph(many.id)).nodes["load-all"]?.status, "skipped");

  await assert.rejects(engine.startRun("nightly-etl", { date: "yesterday" }), {
    code: "INVALID_INPUT",
    message: /date: must match pattern/,
  });
});

test("the refund request looks the order up, asks finance above 100 EUR, and refunds once", async () => {
  const refunds: unknown[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization !== "Bearer shop-secret") {
      res.writeHead(401).end();
      return;
    }
    res.setHeader("content-type", "application/json");
    if (req.method === "GET" && req.url?.startsWith("/api/orders/")) {
      res.end(JSON.stringify({ id: req.url.slice(12), total: 500, customer: "Ada" }));
      return;
    }
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      refunds.push({ ...JSON.parse(body), key: req.headers["idempotency-key"] });
      res.writeHead(201).end(JSON.stringify({ id: `refund-${refunds.length}` }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    await using engine = await startEngine([], {
      secrets: { SHOP_TOKEN: "shop-secret" },
      // The shop is on this machine in the test: its address must be allowed.
      http: { allowedHosts: ["127.0.0.1"] },
    });
    await engine.definitions.deploy(refundRequest.replaceAll("https://shop.example.com", `http://127.0.0.1:${port}`));

    const small = await engine.startRun("refund-request", { orderId: "o-1", amount: 40 }, { id: "refund-o-1" });
    assert.deepEqual(await small.result(), { refundId: "refund-1" });

    const large = await engine.startRun("refund-request", { orderId: "o-2", amount: 250 }, { id: "refund-o-2" });
    const task = await answer(engine, large.id, "grace", { approved: true });
    assert.deepEqual([task.title, task.role], ["Refund 250 EUR on order o-2?", "finance"]);
    assert.deepEqual(await large.result(), { refundId: "refund-2", approvedBy: "grace" });
    assert.deepEqual(refunds, [
      { orderId: "o-1", amount: 40, key: "refund-o-1" },
      { orderId: "o-2", amount: 250, key: "refund-o-2" },
    ]);
    const history = JSON.stringify(await engine.getHistory(large.id));
    assert.ok(!history.includes("shop-secret"), "the shop's token is in no history");

    const tooMuch = await engine.startRun("refund-request", { orderId: "o-3", amount: 900 });
    assert.equal((await failureOf(tooMuch.result())).error?.code, "REFUND_TOO_LARGE");
  } finally {
    server.close();
  }
});
