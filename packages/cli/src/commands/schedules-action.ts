import { Command } from "@commander-js/extra-typings";
import type { BatonClient } from "../baton-client.js";
import { clientOptions, withClient } from "../client-options.js";
import { formatZoned } from "../format-schedule.js";
import { printJson } from "../print-json.js";

const actions = {
  pause: {
    description: "pause a schedule: no fire time until resumed",
    call: (baton: BatonClient, id: string): Promise<unknown> => baton.pauseSchedule(id),
    done: (id: string) => `paused schedule ${id}`,
    needsWorkflows: false,
  },
  resume: {
    description: "resume a schedule from its next fire time after now",
    call: (baton: BatonClient, id: string): Promise<unknown> => baton.resumeSchedule(id),
    done: (id: string, answer: unknown) => {
      const { nextFireAt, timezone } = answer as { nextFireAt?: string; timezone: string };
      return `resumed schedule ${id}: ${nextFireAt ? `next ${formatZoned(nextFireAt, timezone)}` : "no next fire time"}`;
    },
    needsWorkflows: false,
  },
  trigger: {
    description: "start a run of a schedule now",
    call: (baton: BatonClient, id: string): Promise<unknown> => baton.triggerSchedule(id),
    done: (_id: string, answer: unknown) => {
      const { created, run } = answer as { created: boolean; run: { id: string } };
      return created ? `started run ${run.id}` : `run ${run.id} exists already`;
    },
    needsWorkflows: true,
  },
  delete: {
    description: "delete a schedule (its runs stay)",
    call: (baton: BatonClient, id: string): Promise<unknown> => baton.deleteSchedule(id),
    done: (id: string) => `deleted schedule ${id}`,
    needsWorkflows: false,
  },
} as const;

/**
 * `baton schedules pause|resume|trigger|delete <id>`. On a store, `trigger`
 * needs the workflow code (`--workflows`).
 *
 * @example
 * baton schedules pause nightly
 * baton schedules trigger nightly
 * // started run nightly@2026-12-07T18:30:00.000Z
 */
export function createSchedulesActionCommand(action: keyof typeof actions) {
  const client = clientOptions();
  const { description, call, done, needsWorkflows } = actions[action];
  const command = new Command(action)
    .description(description)
    .argument("<id>", "schedule id")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store);
  if (needsWorkflows) command.addOption(client.workflows);
  return command.addOption(client.json).action(async (id, options, self) => {
    const answer = await withClient(self, (baton) => call(baton, id), needsWorkflows);
    if (options.json) printJson(answer);
    else console.log(done(id, answer));
  });
}
