import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** A subscription and its state. */
export interface Subscription {
  subscriptionId: string;
  account: string;
  plan: string;
  status: "active" | "paused";
}

/** Subscriptions that can be paused. */
export class Billing extends FakeService {
  readonly subscriptions = new Map<string, Subscription>();

  constructor(options?: ServiceOptions) {
    super("billing", options);
  }

  /** Starts billing an account on a plan. */
  subscribe(input: { account: string; plan: string }, options: CallOptions = {}): Promise<Subscription> {
    return this.call("subscribe", input, options, () => {
      const subscription: Subscription = {
        subscriptionId: this.newId("sub"),
        account: input.account,
        plan: input.plan,
        status: "active",
      };
      this.subscriptions.set(subscription.subscriptionId, subscription);
      return subscription;
    });
  }

  /** Stops charging a subscription (it can be resumed later). */
  pause(subscriptionId: string, options: CallOptions = {}): Promise<Subscription> {
    return this.call("pause", { subscriptionId }, options, () => {
      const subscription = this.subscriptions.get(subscriptionId);
      if (!subscription) throw this.refuse("pause", `no subscription ${subscriptionId}`);
      subscription.status = "paused";
      return subscription;
    });
  }

  /** Status of the subscriptions of an account. */
  statusOf(account: string): Subscription["status"][] {
    return [...this.subscriptions.values()].filter((s) => s.account === account).map((s) => s.status);
  }
}
