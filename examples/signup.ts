/**
 * SaaS sign-up: provisioning the tenant, starting billing and welcoming the
 * user happen in parallel (the welcome is a child workflow). When
 * provisioning fails for good, the user is told and the saga undoes what was
 * done: billing is paused (the compensation of the billing step) and the run
 * ends "compensated".
 */
import { defineWorkflow, FatalError } from "baton";
import { Billing, CallLog, Email, Provisioning, permanentIsFatal } from "./services.js";

/** Who signs up, on which plan, where. */
export interface SignupInput {
  account: string;
  email: string;
  plan: string;
  region: string;
}

/** A finished sign-up. */
export interface SignupOutput {
  tenantId: string;
  url: string;
  subscriptionId: string;
  welcomeId: string;
}

/** The systems a sign-up touches. */
export interface SignupServices {
  log: CallLog;
  provisioning: Provisioning;
  billing: Billing;
  email: Email;
}

/**
 * Creates the fake services of the sign-up example, sharing one call log.
 *
 * @example
 * const services = createSignupServices();
 * services.provisioning.failRegion("mars-1");
 */
export function createSignupServices(options: { latencyMs?: number; idScope?: string } = {}) {
  const log = new CallLog();
  const shared = { log, latencyMs: options.latencyMs, idScope: options.idScope };
  return {
    log,
    provisioning: new Provisioning(shared),
    billing: new Billing(shared),
    email: new Email(shared),
  } satisfies SignupServices;
}

/**
 * Defines the `signup` workflow and its `signup-welcome` child, bound to
 * `services`. Register both with the engine.
 *
 * @example
 * const { workflows } = defineSignupWorkflows(createSignupServices());
 * const engine = createEngine({ workflows });
 */
export function defineSignupWorkflows(services: SignupServices) {
  const { provisioning, billing, email } = services;

  const signupWelcome = defineWorkflow(
    "signup-welcome",
    async (ctx, input: { account: string; email: string; plan: string }) =>
      ctx.step("send", () =>
        email.send(
          { to: input.email, template: "welcome", data: { account: input.account, plan: input.plan } },
          { idempotencyKey: ctx.stepKey() },
        ),
      ),
  );

  const signup = defineWorkflow("signup", async (ctx, input: SignupInput): Promise<SignupOutput> => {
    const [tenant, subscription, welcome] = await Promise.all([
      ctx.step(
        "provision",
        () =>
          permanentIsFatal(() =>
            provisioning.provision({ account: input.account, region: input.region }, { idempotencyKey: ctx.stepKey() }),
          ),
        {
          retry: { maxAttempts: 3, initialInterval: "1s" },
          compensate: (tenant) => provisioning.deprovision(tenant.tenantId, { idempotencyKey: ctx.stepKey() }),
        },
      ),
      ctx.step(
        "start-billing",
        () => billing.subscribe({ account: input.account, plan: input.plan }, { idempotencyKey: ctx.stepKey() }),
        { compensate: (sub) => billing.pause(sub.subscriptionId, { idempotencyKey: ctx.stepKey() }) },
      ),
      ctx.child(signupWelcome, { account: input.account, email: input.email, plan: input.plan }),
    ]).catch(async (error: unknown) => {
      // A branch failed for good: tell the user, then fail the run so the
      // compensations of the finished branches run (billing is paused).
      const reason = error instanceof Error ? error.message : String(error);
      await ctx.step("notify-on-hold", () =>
        email.send(
          { to: input.email, template: "signup-on-hold", data: { account: input.account, reason } },
          { idempotencyKey: ctx.stepKey() },
        ),
      );
      throw new FatalError(`sign-up of ${input.account} stopped: ${reason}`, { cause: error });
    });
    return {
      tenantId: tenant.tenantId,
      url: tenant.url,
      subscriptionId: subscription.subscriptionId,
      welcomeId: welcome.messageId,
    };
  });

  return { signup, signupWelcome, workflows: [signup, signupWelcome] };
}
