/**
 * The scenarios the runner knows, in the order it runs them when none is named.
 */
import type { Scenario } from "../lib/scenario.js";
import { scale } from "./scale.js";

export const scenarios: Scenario[] = [scale];
