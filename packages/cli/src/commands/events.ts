import { Command } from "@commander-js/extra-typings";
import { createEventsSendCommand } from "./events-send.js";

/**
 * `baton events ...`: send events, through a server (`--url`) or on a store
 * (`--store`, with `--workflows`).
 *
 * @example
 * baton events send payment.received --payload '{"orderId":"A-1"}'
 */
export function createEventsCommand() {
  return new Command("events")
    .description("send events, through a server (--url) or on a store (--store)")
    .addCommand(createEventsSendCommand());
}
