/**
 * Workflows the dashboard's tests, screenshots and measurements run: the
 * order saga of the examples (approval signal, child run, compensations),
 * an invoice whose sending fails until told otherwise (retries, resume),
 * an intake that waits for a signal that is not an approval, a sleeper, a
 * workflow whose names, outputs, signals and errors carry markup, and a
 * long one with many steps.
 */
import { defineWorkflow, FatalError } from "baton";
import { createOrderServices, defineOrderWorkflows } from "../../../../examples/order.js";

/** Markup that would run script if it were ever rendered as HTML. */
export const xssPayloads = {
  img: `<img src=x onerror="window.__xss='img';alert(1)">`,
  script: `<script>window.__xss='script'</script>`,
  url: `javascript:window.__xss='url'`,
  svg: `<svg onload="window.__xss='svg'">`,
} as const;

/** Run ids with markup (run ids are printable ASCII without spaces). */
export const xssRunIds = [`"><img/src=x/onerror=window.__xss='id'>`, `javascript:window.__xss='id-url'`] as const;

/** What a test can change while the workflows run. */
export interface WorkflowControls {
  /** While true, the invoice's `send-invoice` step throws. */
  failInvoice: boolean;
}

/** The workflows, and the controls that steer them. */
export function createDashboardWorkflows(options: { latencyMs?: number; shipAfter?: string } = {}) {
  const controls: WorkflowControls = { failInvoice: true };
  const orderServices = createOrderServices({ latencyMs: options.latencyMs ?? 5 });
  const orders = defineOrderWorkflows(orderServices, { approvalTimeout: "1h", shipAfter: options.shipAfter });

  const invoice = defineWorkflow("invoice", async (ctx, input: { invoice: string; amount: number }) => {
    const total = await ctx.step("compute-total", () => ({ total: input.amount * 1.2 }));
    const sent = await ctx.step(
      "send-invoice",
      () => {
        if (controls.failInvoice) throw new Error(`mail server refused invoice ${input.invoice}: 554 mailbox full`);
        return { messageId: `msg-${input.invoice}` };
      },
      { retry: { maxAttempts: 2, initialInterval: 20 } },
    );
    return { ...total, ...sent };
  });

  const intake = defineWorkflow("intake", async (ctx, input: { ticket: string }) => {
    const details = await ctx.waitForSignal<{ priority: string }>("details");
    return ctx.step("triage", () => ({ ticket: input.ticket, priority: details?.priority ?? "normal" }));
  });

  const sleeper = defineWorkflow("sleeper", async (ctx) => {
    await ctx.sleep("1h");
    return "rested";
  });

  const xss = defineWorkflow("xss", async (ctx, input: { note: string }) => {
    await ctx.step(xssPayloads.img, () => ({ [xssPayloads.script]: xssPayloads.url, note: input.note }));
    await ctx.step(xssPayloads.script, () => xssPayloads.url);
    const payload = await ctx.waitForSignal<unknown>(xssPayloads.svg);
    await ctx.step(xssPayloads.url, () => {
      throw new FatalError(`${xssPayloads.img} ${JSON.stringify(payload)}`);
    });
  });

  const long = defineWorkflow("long", async (ctx, input: { steps: number }) => {
    let sum = 0;
    for (let i = 0; i < input.steps; i++) {
      if (i % 50 === 25) {
        const parts = await Promise.all([ctx.step(`branch-a-${i}`, () => i), ctx.step(`branch-b-${i}`, () => i * 2)]);
        sum += parts[0] + parts[1];
        i++;
      } else {
        sum += await ctx.step(`step-${i}`, () => i);
      }
    }
    return { sum };
  });

  return {
    controls,
    orderServices,
    workflows: [...orders.workflows, invoice, intake, sleeper, xss, long],
  };
}

/** An order input of the examples (`sku-mug` is in stock, card `4242` is accepted). */
export function orderInput(orderId: string, amount = 12) {
  return { orderId, lines: [{ sku: "sku-mug", quantity: 1 }], amount, card: "4242", email: "ada@example.com" };
}
