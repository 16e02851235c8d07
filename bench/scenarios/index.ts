/**
 * The scenarios the runner knows, in the order it runs them when none is named.
 */
import type { Scenario } from "../lib/scenario.js";
import { concurrent } from "./concurrent.js";
import { declarative } from "./declarative.js";
import { fanOutScenario } from "./fan-out.js";
import { humanTasks } from "./human-tasks.js";
import { queues } from "./queues.js";
import { recovery } from "./recovery.js";
import { replay } from "./replay.js";
import { scale } from "./scale.js";
import { schedules } from "./schedules.js";
import { sequential } from "./sequential.js";
import { startup } from "./startup.js";
import { tasks } from "./tasks.js";
import { timers } from "./timers.js";
import { waiting } from "./waiting.js";

/** Every scenario, in the order `npm run bench` runs them. */
export const scenarios: Scenario[] = [
  sequential,
  concurrent,
  fanOutScenario,
  waiting,
  timers,
  recovery,
  queues,
  schedules,
  tasks,
  humanTasks,
  declarative,
  replay,
  startup,
  scale,
];
