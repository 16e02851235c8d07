import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** A tenant ready to use. */
export interface Tenant {
  tenantId: string;
  account: string;
  region: string;
  url: string;
}

/** Creates and deletes tenants; some regions have no capacity. */
export class Provisioning extends FakeService {
  readonly unavailableRegions = new Set<string>();
  readonly tenants = new Map<string, Tenant>();

  constructor(options?: ServiceOptions) {
    super("provisioning", options);
  }

  /** Every tenant in `region` fails to provision from now on. */
  failRegion(region: string): this {
    this.unavailableRegions.add(region);
    return this;
  }

  /** Creates a tenant for an account. */
  provision(input: { account: string; region: string }, options: CallOptions = {}): Promise<Tenant> {
    return this.call("provision", input, options, () => {
      if (this.unavailableRegions.has(input.region)) {
        throw this.refuse("provision", `no capacity in region ${input.region}`);
      }
      const tenantId = this.newId("tn");
      const tenant = {
        tenantId,
        account: input.account,
        region: input.region,
        url: `https://${input.account}.example.app`,
      };
      this.tenants.set(tenantId, tenant);
      return tenant;
    });
  }

  /** Deletes a tenant. */
  deprovision(tenantId: string, options: CallOptions = {}): Promise<{ deleted: boolean }> {
    return this.call("deprovision", { tenantId }, options, () => ({ deleted: this.tenants.delete(tenantId) }));
  }
}
