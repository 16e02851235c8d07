import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** A captured payment. */
export interface Charge {
  chargeId: string;
  orderId: string;
  amount: number;
}

/** Card payments with refunds; some cards are declined. */
export class Payments extends FakeService {
  readonly declinedCards = new Set<string>();
  /** Net amount captured per charge id (refunds subtract). */
  readonly balance = new Map<string, number>();

  constructor(options?: ServiceOptions) {
    super("payments", options);
  }

  /** Every charge on this card is declined from now on. */
  decline(card: string): this {
    this.declinedCards.add(card);
    return this;
  }

  /** Captures `amount` on `card`; a declined card is a permanent error. */
  charge(input: { orderId: string; amount: number; card: string }, options: CallOptions = {}): Promise<Charge> {
    return this.call("charge", input, options, () => {
      if (this.declinedCards.has(input.card)) throw this.refuse("charge", `card ${input.card} was declined`);
      const charge = { chargeId: this.newId("ch"), orderId: input.orderId, amount: input.amount };
      this.balance.set(charge.chargeId, input.amount);
      return charge;
    });
  }

  /** Refunds a charge in full. */
  refund(chargeId: string, options: CallOptions = {}): Promise<{ refundId: string; amount: number }> {
    return this.call("refund", { chargeId }, options, () => {
      const amount = this.balance.get(chargeId);
      if (amount === undefined) throw this.refuse("refund", `no charge ${chargeId}`);
      this.balance.set(chargeId, 0);
      return { refundId: this.newId("re"), amount };
    });
  }

  /** Sum of what is still captured. */
  captured(): number {
    let total = 0;
    for (const amount of this.balance.values()) total += amount;
    return total;
  }
}
