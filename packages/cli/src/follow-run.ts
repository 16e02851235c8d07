import type { Run } from "@baton/server/wire-types";
import type { BatonClient } from "./baton-client.js";
import { colorsFor } from "./colors.js";
import { describeChanges } from "./describe-changes.js";
import { formatRun } from "./format-run.js";
import { leadingColorCode, visibleLength } from "./format-table.js";
import { formatTime } from "./format-time.js";

/**
 * Shows a run's progress on standard output until it ends. With `json`, one
 * line per change: the run's summary as the watch stream sends it. On a
 * terminal, the whole run (steps included) redrawn in place. Otherwise, one
 * line per change, stamped with the time.
 */
export async function followRun(client: BatonClient, id: string, json: boolean): Promise<void> {
  const out = process.stdout;
  const c = colorsFor(out);
  if (json) {
    await client.watchRun(id, (summary) => {
      out.write(`${JSON.stringify(summary)}\n`);
    });
    return;
  }
  let previous: Run | undefined;
  let drawn = 0;
  await client.watchRun(id, async () => {
    const run = await client.getRun(id);
    if (out.isTTY) {
      // Lines wider or more than the screen could not be redrawn in place: cut them, keep the last.
      const width = out.columns || 120;
      const lines = formatRun(c, run)
        .map((line) => (visibleLength(line) > width ? fit(line, width) : line))
        .slice(-Math.max(1, (out.rows || 50) - 1));
      out.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : ""}${lines.join("\n")}\n`);
      drawn = lines.length;
    } else {
      const time = formatTime(new Date().toISOString(), true);
      for (const line of describeChanges(c, previous, run)) out.write(`${c.dim(time)} ${line}\n`);
    }
    previous = run;
  });
}

/** `line` cut to `width` columns on screen, its colours reset. */
function fit(line: string, width: number): string {
  let shown = 0;
  let cut = 0;
  while (cut < line.length && shown < width - 1) {
    const code = leadingColorCode.exec(line.slice(cut));
    if (code) cut += code[0].length;
    else {
      cut++;
      shown++;
    }
  }
  return `${line.slice(0, cut)}${line.includes("\x1b[") ? "\x1b[0m" : ""}…`;
}
