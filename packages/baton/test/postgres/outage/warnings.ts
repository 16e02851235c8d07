/** Collects the warnings engines log, by engine, and sums them up by kind. */

/** One logged warning. */
export interface Warning {
  source: string;
  message: string;
  error?: string;
}

/** Warnings of several engines. */
export class WarningLog {
  readonly entries: Warning[] = [];

  /** A logger for `createEngine` whose warnings are kept under `source`. */
  logger(source: string): { warn(message: string, error?: unknown): void } {
    return {
      warn: (message, error) => {
        const detail = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
        this.entries.push({ source, message, ...(detail === undefined ? {} : { error: detail }) });
      },
    };
  }

  /** Warnings whose message starts with `prefix` (of `source` only, if given). */
  count(prefix: string, source?: string): number {
    return this.entries.filter(
      (entry) => entry.message.startsWith(prefix) && (source === undefined || entry.source === source),
    ).length;
  }

  /** Lines `count x message` by kind (quoted run ids replaced), most frequent first. */
  summary(): string[] {
    const kinds = new Map<string, number>();
    for (const { message, error } of this.entries) {
      const kind = `${message.replace(/"[^"]*"/g, '"…"')}${error ? ` (${error.replace(/"[^"]*"/g, '"…"')})` : ""}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    return [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} x ${kind}`);
  }

  /** Counts by source. */
  bySource(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { source } of this.entries) counts[source] = (counts[source] ?? 0) + 1;
    return counts;
  }
}
