/**
 * Drives the load of the outage test through a client engine (one never
 * started): starts runs, sends signals one after another, and waits until
 * every run has finished.
 */
import type { Engine } from "baton";
import { payloadOf, type RunKind, signalName } from "./workflows.js";

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run numbers `from` to `to` - 1. */
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Starts of runs, counted. */
export class Starter {
  /** Starts that returned `created: false` (the run was there already). */
  existing = 0;
  started = 0;

  constructor(private readonly client: Engine) {}

  /** Starts runs `ns` of `kind`, ten at a time. */
  async start(kind: RunKind, ns: number[]): Promise<void> {
    for (let i = 0; i < ns.length; i += 10) {
      await Promise.all(
        ns.slice(i, i + 10).map(async (n) => {
          const handle = await this.client.startRun(kind.workflow, { n }, { id: kind.idOf(n) });
          this.started++;
          if (!handle.created) this.existing++;
        }),
      );
    }
  }
}

/** Signals sent to the signal runs, counted. */
export class Signaller {
  issued = 0;
  returned = 0;
  readonly failures: string[] = [];

  constructor(
    private readonly client: Engine,
    private readonly kind: RunKind,
  ) {}

  /** Sends each run of `ns` its signal, once, a new send every `gapMs` (sends overlap). */
  async send(ns: number[], gapMs: number): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const n of ns) {
      const id = this.kind.idOf(n);
      this.issued++;
      sends.push(
        this.client.signal(id, signalName, payloadOf(n)).then(
          () => {
            this.returned++;
          },
          (error) => {
            this.failures.push(`${id}: ${String(error)}`);
          },
        ),
      );
      await pause(gapMs);
    }
    await Promise.all(sends);
  }
}
