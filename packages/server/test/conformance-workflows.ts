import { defineWorkflow, FatalError } from "baton";
import { z } from "zod";

/**
 * Workflows whose runs, between them, record every type of history event:
 * compensations that succeed and fail, children that complete and fail,
 * timers, signal and event waits that are answered or time out, retries,
 * run timeouts, runs started by an event, tasks that complete and fail, and
 * human tasks answered, reminded, reassigned and timed out.
 */
export function conformanceWorkflows() {
  const saga = defineWorkflow("saga", async (ctx, input: { undo: "ok" | "fails" }) => {
    await ctx.step("reserve", () => ({ holdId: "h-1" }), {
      compensate: () => {
        if (input.undo === "fails") throw new FatalError("release failed");
      },
    });
    await ctx.step("charge", () => {
      throw new FatalError("card declined", { cause: new Error("issuer said no", { cause: new Error("limit") }) });
    });
  });
  const leaf = defineWorkflow("leaf", async (ctx, input: { fail: boolean }) =>
    ctx.step("work", () => {
      if (input.fail) throw new FatalError("leaf failed");
      return "leaf done";
    }),
  );
  const parent = defineWorkflow("parent", async (ctx) => {
    // A patch applied on the first execution (`patch.applied`).
    const done = ctx.patched("children-v2") ? await ctx.child(leaf, { fail: false }) : undefined;
    const failed = await ctx.child(leaf, { fail: true }).catch((error: Error) => error.message);
    return { done, failed };
  });
  let failures = 1;
  const waits = defineWorkflow("waits", async (ctx) => {
    await ctx.step(
      "retried",
      () => {
        if (failures-- > 0) throw new Error("try again");
        return "ok";
      },
      { retry: { maxAttempts: 2, initialInterval: "1s" } },
    );
    await ctx.sleep("1m");
    const missed = await ctx.waitForSignal("never", { timeout: "1m" });
    const late = await ctx.waitForEvent("never.sent", { timeout: "1m" });
    const paid = await ctx.waitForEvent("payment.settled", { match: { orderId: "o-1" } });
    return { missed, late, paid };
  });
  const slow = defineWorkflow("slow", async (ctx) => {
    await ctx.waitForSignal("go");
  });
  const onPayment = defineWorkflow("on-payment", async (_ctx, input: { orderId: string }) => input.orderId, {
    input: z.object({ orderId: z.string() }),
    events: ["payment.settled"],
  });
  // A payload that fails the wait's own schema is recorded `signal.refused`, and the wait goes on.
  const guarded = defineWorkflow("guarded", async (ctx) =>
    ctx.waitForSignal<boolean>("approve", { schema: z.boolean() }),
  );
  // A task completed by a task worker, then one that fails for good.
  const remote = defineWorkflow("remote", async (ctx) => {
    const done = await ctx.task("convert", { file: "a.png" }, { queue: "media" });
    const failed = await ctx
      .task("convert", { file: "b.png" }, { queue: "media", retry: { maxAttempts: 1 } })
      .catch((error: Error) => error.message);
    return { done, failed };
  });
  // A person answers one human task; another is reminded, reassigned, then times out.
  const people = defineWorkflow("people", async (ctx) =>
    Promise.all([
      ctx.humanTask("review", {
        title: "Review the order",
        form: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
        role: "ops",
      }),
      ctx.humanTask("sign-off", {
        title: "Sign the order off",
        assignee: "ada",
        timeout: "1h",
        reminder: "30m",
        onTimeout: { reassign: { role: "managers" } },
      }),
    ]),
  );
  return [saga, leaf, parent, waits, slow, onPayment, guarded, remote, people];
}
