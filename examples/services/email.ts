import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** A sent message. */
export interface Message {
  to: string;
  template: string;
  data?: Record<string, unknown>;
}

/** Transactional email. */
export class Email extends FakeService {
  readonly outbox: (Message & { messageId: string })[] = [];

  constructor(options?: ServiceOptions) {
    super("email", options);
  }

  /** Sends a templated message. */
  send(message: Message, options: CallOptions = {}): Promise<{ messageId: string }> {
    return this.call("send", message, options, () => {
      const messageId = this.newId("msg");
      this.outbox.push({ ...message, messageId });
      return { messageId };
    });
  }

  /** Templates sent to `to`, in order. */
  templatesSentTo(to: string): string[] {
    return this.outbox.filter((m) => m.to === to).map((m) => m.template);
  }
}
