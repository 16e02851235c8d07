/**
 * A free trial: it opens the trial, waits 30 days, then moves the account to
 * the paid plan when the owner has added a card, or ends the trial and tells
 * the owner. Its test (trial.test.ts) runs the 30 days in milliseconds with
 * `createTestEngine` from `baton/testing`.
 */
import { defineWorkflow } from "baton";

/** Whose trial. */
export interface TrialInput {
  account: string;
  email: string;
}

/** How a trial finished. */
export interface TrialOutput {
  outcome: "converted" | "expired";
  plan: string;
}

/** The systems a trial touches: in-memory fakes for the example. */
export interface TrialServices {
  /** Accounts with a card on file. */
  cards: Set<string>;
  /** Plan of each account. */
  plans: Map<string, string>;
  /** Mails sent, in order. */
  mails: { to: string; template: string }[];
}

/** Fake services of the trial example, empty. */
export function createTrialServices(): TrialServices {
  return { cards: new Set(), plans: new Map(), mails: [] };
}

/**
 * Defines the trial workflow over `services`.
 *
 * @example
 * const trial = defineTrialWorkflow(createTrialServices(), { length: "30d" });
 */
export function defineTrialWorkflow(services: TrialServices, options: { length?: `${number}d` } = {}) {
  return defineWorkflow("trial", async (ctx, input: TrialInput): Promise<TrialOutput> => {
    await ctx.step("open-trial", () => {
      services.plans.set(input.account, "trial");
    });
    await ctx.sleep(options.length ?? "30d");
    const hasCard = await ctx.step("check-card", () => services.cards.has(input.account));
    const plan = hasCard ? "pro" : "free";
    await ctx.step("set-plan", () => {
      services.plans.set(input.account, plan);
    });
    await ctx.step("notify", () => {
      services.mails.push({ to: input.email, template: hasCard ? "welcome-to-pro" : "trial-ended" });
    });
    return { outcome: hasCard ? "converted" : "expired", plan };
  });
}
