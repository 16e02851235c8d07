/**
 * Order fulfilment as a saga: reserve stock, charge the card, wait for a
 * person to approve, then ship and send a receipt. When the order is not
 * approved (or nobody answers within the approval timeout), or the card is
 * declined, the steps already done are undone in reverse order: the charge
 * is refunded, then the stock released, and the run ends "compensated".
 */
import { type Duration, defineWorkflow, FatalError } from "baton";
import { CallLog, Email, Inventory, type OrderLine, Payments, permanentIsFatal, Shipping } from "./services.js";

/** What an order needs. */
export interface OrderInput {
  orderId: string;
  lines: OrderLine[];
  /** Total to charge, in dollars. */
  amount: number;
  card: string;
  email: string;
}

/** What a fulfilled order produced. */
export interface OrderOutput {
  holdId: string;
  chargeId: string;
  trackingNumber: string;
  receiptId: string;
}

/** The systems an order touches. */
export interface OrderServices {
  log: CallLog;
  inventory: Inventory;
  payments: Payments;
  shipping: Shipping;
  email: Email;
}

/** Options of the order workflows. */
export interface OrderOptions {
  /** How long to wait for the "approve" signal. Default `"3d"`. */
  approvalTimeout?: Duration;
  /** Cooling-off wait between approval and shipping. Default: none. */
  shipAfter?: Duration;
}

/**
 * Creates the fake services of the order example, sharing one call log.
 *
 * @example
 * const services = createOrderServices({ latencyMs: 200 });
 * services.payments.decline("4000-0002");
 */
export function createOrderServices(
  options: { latencyMs?: number; idScope?: string; stock?: Record<string, number> } = {},
) {
  const log = new CallLog();
  const shared = { log, latencyMs: options.latencyMs, idScope: options.idScope };
  return {
    log,
    inventory: new Inventory(options.stock ?? { "sku-kettle": 10, "sku-mug": 50 }, shared),
    payments: new Payments(shared),
    shipping: new Shipping(shared),
    email: new Email(shared),
  } satisfies OrderServices;
}

/**
 * Defines the `order` workflow and its `order-receipt` child, bound to
 * `services`. Register both with the engine.
 *
 * @example
 * const { order, orderReceipt } = defineOrderWorkflows(createOrderServices());
 * const engine = createEngine({ workflows: [order, orderReceipt] });
 */
export function defineOrderWorkflows(services: OrderServices, options: OrderOptions = {}) {
  const { inventory, payments, shipping, email } = services;

  const orderReceipt = defineWorkflow(
    "order-receipt",
    async (ctx, input: { orderId: string; email: string; amount: number }) =>
      ctx.step("send", () =>
        email.send(
          { to: input.email, template: "receipt", data: { orderId: input.orderId, amount: input.amount } },
          { idempotencyKey: ctx.stepKey() },
        ),
      ),
  );

  const order = defineWorkflow("order", async (ctx, input: OrderInput): Promise<OrderOutput> => {
    const hold = await ctx.step(
      "reserve",
      () => permanentIsFatal(() => inventory.reserve(input.orderId, input.lines, { idempotencyKey: ctx.stepKey() })),
      { compensate: (h) => inventory.release(h.holdId, { idempotencyKey: ctx.stepKey() }) },
    );

    const charge = await ctx.step(
      "charge",
      () =>
        permanentIsFatal(() =>
          payments.charge(
            { orderId: input.orderId, amount: input.amount, card: input.card },
            { idempotencyKey: ctx.stepKey() },
          ),
        ),
      {
        retry: { maxAttempts: 5, initialInterval: "1s", backoffCoefficient: 2, maxInterval: "1m" },
        timeout: "30s",
        compensate: (c) => payments.refund(c.chargeId, { idempotencyKey: ctx.stepKey() }),
      },
    );

    const approved = await ctx.waitForSignal<boolean>("approve", { timeout: options.approvalTimeout ?? "3d" });
    if (approved === undefined) throw new FatalError("not approved in time");
    if (!approved) throw new FatalError("not approved");

    if (options.shipAfter !== undefined) await ctx.sleep(options.shipAfter);

    const [label, receipt] = await Promise.all([
      ctx.step("label", () => shipping.label(input.orderId, { idempotencyKey: ctx.stepKey() })),
      ctx.child(orderReceipt, { orderId: input.orderId, email: input.email, amount: input.amount }),
    ]);
    return {
      holdId: hold.holdId,
      chargeId: charge.chargeId,
      trackingNumber: label.trackingNumber,
      receiptId: receipt.messageId,
    };
  });

  return { order, orderReceipt, workflows: [order, orderReceipt] };
}

/**
 * The `order` and `order-receipt` workflows on fresh fake services: what
 * `baton dev examples/order.ts` (or `baton worker examples/order.ts`) loads.
 */
export default defineOrderWorkflows(createOrderServices({ latencyMs: 100 })).workflows;
