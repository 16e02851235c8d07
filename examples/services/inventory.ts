import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** One line of an order. */
export interface OrderLine {
  sku: string;
  quantity: number;
}

/** Stock set aside for an order. */
export interface Hold {
  holdId: string;
  orderId: string;
  lines: OrderLine[];
}

/** Stock levels with reservations (holds) that can be released. */
export class Inventory extends FakeService {
  readonly stock = new Map<string, number>();
  readonly holds = new Map<string, Hold>();

  constructor(stock: Record<string, number> = {}, options?: ServiceOptions) {
    super("inventory", options);
    for (const [sku, quantity] of Object.entries(stock)) this.stock.set(sku, quantity);
  }

  /** Sets aside stock for an order; refuses when a line is out of stock. */
  reserve(orderId: string, lines: OrderLine[], options: CallOptions = {}): Promise<Hold> {
    return this.call("reserve", { orderId, lines }, options, () => {
      for (const line of lines) {
        const available = this.stock.get(line.sku) ?? 0;
        if (available < line.quantity) {
          throw this.refuse("reserve", `only ${available} of ${line.sku} in stock, ${line.quantity} wanted`);
        }
      }
      for (const line of lines) this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) - line.quantity);
      const hold = { holdId: this.newId("hold"), orderId, lines };
      this.holds.set(hold.holdId, hold);
      return hold;
    });
  }

  /** Puts the stock of a hold back. Releasing an unknown or released hold does nothing. */
  release(holdId: string, options: CallOptions = {}): Promise<{ released: boolean }> {
    return this.call("release", { holdId }, options, () => {
      const hold = this.holds.get(holdId);
      if (!hold) return { released: false };
      this.holds.delete(holdId);
      for (const line of hold.lines) this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) + line.quantity);
      return { released: true };
    });
  }
}
