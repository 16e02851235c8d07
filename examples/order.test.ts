import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createTestEngine } from "baton/testing";
import { createOrderServices, defineOrderWorkflows, type OrderInput, type OrderOutput } from "./order.js";
import type { Charge } from "./services.js";
import { compensations, eventually, failureOf, startEngine, tempDir, waitForEvent } from "./test-helpers.js";

const input = (orderId: string, card = "4242-4242"): OrderInput => ({
  orderId,
  lines: [
    { sku: "sku-kettle", quantity: 1 },
    { sku: "sku-mug", quantity: 2 },
  ],
  amount: 64,
  card,
  email: "ada@example.com",
});

test("an approved order reserves, charges once, waits out the cooling-off timer, ships and sends a receipt", async () => {
  const services = createOrderServices();
  const { order, workflows } = defineOrderWorkflows(services, { shipAfter: "1h" });
  // Time skips to the next timer while every run waits and the test awaits a result.
  await using engine = await createTestEngine({ workflows });

  const run = await engine.startRun(order, input("o-100"), { id: "order-o-100" });
  assert.equal(run.id, "order-o-100");
  // A signal sent before the run waits for it is kept until the run asks for it.
  await engine.signal(run.id, "approve", true);
  await waitForEvent(engine, run.id, "timer.set");
  assert.equal(services.shipping.count("label"), 0, "nothing ships before the cooling-off timer fires");

  const output = await run.result(); // the hour of cooling-off passes at once
  assert.deepEqual(Object.keys(output).sort(), ["chargeId", "holdId", "receiptId", "trackingNumber"]);
  assert.equal(output.chargeId, (services.payments.calls[0]?.result as Charge | undefined)?.chargeId);
  assert.equal(output.holdId, [...services.inventory.holds.keys()][0]);
  assert.equal(services.inventory.count("reserve"), 1);
  assert.equal(services.payments.count("charge"), 1);
  assert.equal(services.shipping.count("label"), 1);
  assert.equal(services.email.count("send"), 1);
  assert.equal(services.inventory.count("release"), 0);
  assert.equal(services.payments.count("refund"), 0);
  assert.equal(services.inventory.stock.get("sku-kettle"), 9);
  assert.equal(services.inventory.stock.get("sku-mug"), 48);
  assert.equal(services.payments.captured(), 64);
  assert.deepEqual(services.email.templatesSentTo("ada@example.com"), ["receipt"]);
  assert.deepEqual(services.log.operations().slice(0, 2), ["inventory.reserve", "payments.charge"]);
  assert.match(services.payments.calls[0]?.idempotencyKey ?? "", /^order-o-100:/);

  const view = await engine.getRun(run.id);
  assert.equal(view.status, "completed");
  assert.deepEqual(
    view.steps.map((s) => [s.kind, s.name, s.status]),
    [
      ["step", "reserve", "completed"],
      ["step", "charge", "completed"],
      ["signal", "approve", "completed"],
      ["timer", "sleep", "completed"],
      ["step", "label", "completed"],
      ["child", "order-receipt", "completed"],
    ],
  );
  assert.equal(view.children.length, 1);
  assert.equal(view.children[0]?.workflow, "order-receipt");
  assert.equal(view.children[0]?.status, "completed");
  assert.equal(view.children[0]?.parentId, run.id);
  const history = await engine.getHistory(run.id);
  assert.deepEqual(compensations(history), []);
  assert.equal(history.at(-1)?.type, "run.completed");
});

test("a lost payment answer is retried with the same idempotency key and the card is charged once", async () => {
  const services = createOrderServices();
  // First attempt: the gateway is down. Second: the charge goes through but the answer is lost.
  services.payments.failNext("charge", 1, { message: "gateway unavailable" });
  services.payments.failNext("charge", 1, { message: "connection reset", afterEffect: true });
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await createTestEngine({ workflows });

  const run = await engine.startRun(order, input("o-101"), { id: "order-o-101" });
  const first = await waitForEvent(engine, run.id, "step.failed", "charge");
  const backoff = (first.dueAt?.getTime() ?? 0) - first.at.getTime();
  assert.ok(backoff >= 900 && backoff <= 1100, `first retry after about 1s (got ${backoff} ms)`);
  await engine.skip("1500ms");
  await eventually(async () => (await engine.getHistory(run.id)).filter((e) => e.type === "step.failed").length === 2);
  await engine.skip("3s");
  await waitForEvent(engine, run.id, "signal.waiting", "approve");

  const charge = (await engine.getRun(run.id)).steps.find((s) => s.name === "charge");
  assert.deepEqual(
    charge?.attempts.map((a) => [a.attempt, a.status, a.error?.message]),
    [
      [1, "failed", "payments.charge: gateway unavailable"],
      [2, "failed", "payments.charge: connection reset"],
      [3, "completed", undefined],
    ],
  );
  const keys = services.payments.attempts("charge").map((c) => c.idempotencyKey);
  assert.equal(keys.length, 2, "the third attempt never reached the gateway as a new call");
  assert.equal(new Set(keys).size, 1, "every attempt used the same idempotency key");
  assert.equal(services.payments.count("charge"), 1);
  assert.equal(services.payments.duplicates, 1);
  assert.equal(services.payments.captured(), 64);

  await engine.signal(run.id, "approve", true);
  const output = await run.result();
  assert.equal(output.chargeId, (charge?.output as Charge | undefined)?.chargeId);
  assert.equal(services.payments.captured(), 64);
});

test("a rejected order is compensated in reverse order: refund first, then release", async () => {
  const services = createOrderServices();
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(order, input("o-102"), { id: "order-o-102" });
  await waitForEvent(engine, run.id, "signal.waiting", "approve");
  assert.equal((await engine.getRun(run.id)).status, "waiting");
  await engine.signal(run.id, "approve", false);

  const failure = await failureOf(run.result());
  assert.equal(failure.status, "compensated");
  assert.match(failure.error?.message ?? "", /not approved/);
  const history = await engine.getHistory(run.id);
  assert.deepEqual(compensations(history), [
    ["compensation.started", "charge"],
    ["compensation.completed", "charge"],
    ["compensation.started", "reserve"],
    ["compensation.completed", "reserve"],
  ]);
  assert.equal(history.at(-1)?.type, "run.compensated");
  assert.deepEqual(services.log.operations(), [
    "inventory.reserve",
    "payments.charge",
    "payments.refund",
    "inventory.release",
  ]);
  assert.equal(services.payments.captured(), 0);
  assert.equal(services.inventory.stock.get("sku-kettle"), 10);
  assert.equal(services.inventory.stock.get("sku-mug"), 50);
  assert.equal(services.shipping.count("label"), 0);
  assert.equal(services.email.count("send"), 0);
  assert.match(services.payments.calls[1]?.idempotencyKey ?? "", /^order-o-102:/);
  const view = await engine.getRun(run.id);
  assert.deepEqual(
    view.steps.filter((s) => s.compensation).map((s) => [s.name, s.compensation?.status]),
    [
      ["reserve", "completed"],
      ["charge", "completed"],
    ],
  );
});

test("nobody approves within 3 days: the wait times out and the order is compensated", async () => {
  const services = createOrderServices();
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await createTestEngine({ workflows });

  const run = await engine.startRun(order, input("o-103"), { id: "order-o-103" });
  const waiting = await waitForEvent(engine, run.id, "signal.waiting", "approve");
  assert.equal((waiting.dueAt?.getTime() ?? 0) - waiting.at.getTime(), 3 * 86_400_000);

  await engine.skip("2d");
  assert.equal((await engine.getRun(run.id)).status, "waiting", "still waiting after 2 days");
  assert.equal(services.payments.count("refund"), 0);

  const failure = await failureOf(run.result()); // the last day passes at once
  assert.equal(failure.status, "compensated");
  assert.equal(failure.error?.message, "not approved in time");
  const history = await engine.getHistory(run.id);
  assert.ok(history.some((e) => e.type === "signal.timed_out" && e.name === "approve"));
  assert.deepEqual(
    compensations(history).filter(([type]) => type === "compensation.completed"),
    [
      ["compensation.completed", "charge"],
      ["compensation.completed", "reserve"],
    ],
  );
  assert.equal(services.payments.count("refund"), 1);
  assert.equal(services.inventory.count("release"), 1);
  assert.equal(services.payments.captured(), 0);
});

test("a declined card fails the charge without retrying; only the reservation is undone", async () => {
  const services = createOrderServices();
  services.payments.decline("4000-0002");
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(order, input("o-104", "4000-0002"), { id: "order-o-104" });
  const failure = await failureOf(run.result());
  assert.equal(failure.status, "compensated");
  assert.match(failure.error?.message ?? "", /card 4000-0002 was declined/);
  assert.equal(services.payments.attempts("charge").length, 1, "a declined card is not retried");
  assert.equal(services.payments.count("charge"), 0);
  assert.equal(services.payments.count("refund"), 0);
  assert.equal(services.inventory.count("release"), 1);
  assert.deepEqual(compensations(await engine.getHistory(run.id)), [
    ["compensation.started", "reserve"],
    ["compensation.completed", "reserve"],
  ]);
  const view = await engine.getRun(run.id);
  assert.ok(!view.steps.some((s) => s.kind === "signal"), "the run never waited for approval");
});

test("cancelling an order that waits for approval refunds and releases, and the run ends cancelled", async () => {
  const services = createOrderServices();
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(order, input("o-105"), { id: "order-o-105" });
  await waitForEvent(engine, run.id, "signal.waiting", "approve");
  await engine.cancel(run.id);

  const failure = await failureOf(run.result());
  assert.equal(failure.status, "cancelled");
  assert.deepEqual(services.log.operations().slice(2), ["payments.refund", "inventory.release"]);
  const history = await engine.getHistory(run.id);
  assert.ok(history.some((e) => e.type === "run.cancel_requested"));
  assert.equal(history.at(-1)?.type, "run.cancelled");
  await assert.rejects(engine.signal(run.id, "approve", true), { code: "RUN_FINISHED" });
});

test("an order waiting for approval survives an engine restart without repeating a step", async () => {
  const services = createOrderServices();
  const { order, workflows } = defineOrderWorkflows(services);
  const store = `sqlite:${join(tempDir(), "baton.db")}`;

  const first = await startEngine(workflows, { store });
  const run = await first.startRun(order, input("o-106"), { id: "order-o-106" });
  await waitForEvent(first, run.id, "signal.waiting", "approve");
  await first[Symbol.asyncDispose]();

  await using second = await startEngine(workflows, { store });
  await second.signal(run.id, "approve", true);
  const output = await second.handle<OrderOutput>(run.id).result();
  assert.equal(output.trackingNumber, "1Z_0001");
  assert.equal(services.inventory.attempts("reserve").length, 1);
  assert.equal(services.payments.attempts("charge").length, 1);
  assert.equal(services.shipping.count("label"), 1);
  assert.equal(services.email.count("send"), 1);
  const history = await second.getHistory(run.id);
  assert.equal(history.filter((e) => e.type === "step.started" && e.name === "charge").length, 1);
});

test("an order for stock that is not there fails before anything needs undoing", async () => {
  const services = createOrderServices({ stock: { "sku-kettle": 0, "sku-mug": 50 } });
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(order, input("o-107"), { id: "order-o-107" });
  const failure = await failureOf(run.result());
  assert.equal(failure.status, "failed", "no step completed, so there is nothing to compensate");
  assert.match(failure.error?.message ?? "", /only 0 of sku-kettle in stock, 1 wanted/);
  assert.equal(services.inventory.attempts("reserve").length, 1, "out of stock is not retried");
  assert.equal(services.payments.attempts("charge").length, 0);
  const history = await engine.getHistory(run.id);
  assert.deepEqual(compensations(history), []);
  assert.equal(history.at(-1)?.type, "run.failed");
});

test("a failed order resumes from the failed step once the stock is back", async () => {
  const services = createOrderServices({ stock: { "sku-kettle": 0, "sku-mug": 50 } });
  const { order, workflows } = defineOrderWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(order, input("o-108"), { id: "order-o-108" });
  assert.equal((await failureOf(run.result())).status, "failed");
  services.inventory.stock.set("sku-kettle", 3);
  const resumed = await engine.resume(run.id);
  await waitForEvent(engine, run.id, "signal.waiting", "approve");
  await engine.signal(run.id, "approve", true);
  assert.equal(resumed.id, run.id);
  const output = await engine.handle<OrderOutput>(run.id).result();
  assert.match(output.trackingNumber, /^1Z_/);
  assert.equal(services.inventory.attempts("reserve").length, 2, "the failed reservation ran again");
  assert.equal(services.inventory.stock.get("sku-kettle"), 2);
  assert.equal(services.payments.count("charge"), 1);
  const history = await engine.getHistory(run.id);
  assert.ok(history.some((e) => e.type === "run.resumed"));
  assert.equal(history.at(-1)?.type, "run.completed");
});
