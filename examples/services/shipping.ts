import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** Shipping labels. */
export class Shipping extends FakeService {
  constructor(options?: ServiceOptions) {
    super("shipping", options);
  }

  /** Buys a label for an order. */
  label(orderId: string, options: CallOptions = {}): Promise<{ trackingNumber: string }> {
    return this.call("label", { orderId }, options, () => ({ trackingNumber: this.newId("1Z") }));
  }
}
