/**
 * In-memory stand-ins for the external systems the example workflows talk to
 * (one file each under `services/`; `FakeService` says what they share).
 */

export { Billing, type Subscription } from "./services/billing.js";
export { CallLog, type CallOptions, type ServiceCall } from "./services/call-log.js";
export { Email, type Message } from "./services/email.js";
export { type FailureOptions, FakeService, type ServiceOptions } from "./services/fake-service.js";
export { type Hold, Inventory, type OrderLine } from "./services/inventory.js";
export { type Charge, Payments } from "./services/payments.js";
export { Provisioning, type Tenant } from "./services/provisioning.js";
export { type Finding, ResearchSources, researchSources } from "./services/research-sources.js";
export { permanentIsFatal, ServiceError } from "./services/service-error.js";
export { Shipping } from "./services/shipping.js";
