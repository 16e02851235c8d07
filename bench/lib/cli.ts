/**
 * Command line of the bench runner:
 * `[scenario...] [--rounds N] [--runs N] [--store sqlite|postgres]`.
 */
import type { Scenario, StoreKind } from "./scenario.js";

/** What the command line asks for. */
export interface BenchArgs {
  /** Scenarios to run, in order (all when none is named). */
  scenarios: Scenario[];
  rounds?: number;
  runs?: number;
  /** Only this store (default: every store of each scenario). */
  store?: StoreKind;
}

export const usage =
  "usage: npm run bench -- [scenario...] [--rounds N] [--runs N] [--store sqlite|postgres]\n" +
  "(npm passes options on only after --)";

const positiveInteger = (flag: string, value: string | undefined): number => {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer\n${usage}`);
  return n;
};

/** Parses `argv` (without node and the script). @throws on anything it does not know, with the usage. */
export function parseArgs(argv: string[], known: Scenario[]): BenchArgs {
  const args: BenchArgs = { scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--rounds") args.rounds = positiveInteger(arg, argv[++i]);
    else if (arg === "--runs") args.runs = positiveInteger(arg, argv[++i]);
    else if (arg === "--store") {
      const store = argv[++i];
      if (store !== "sqlite" && store !== "postgres") throw new Error(`--store needs sqlite or postgres\n${usage}`);
      args.store = store;
    } else if (arg === "--help" || arg === "-h") throw new Error(usage);
    else {
      const scenario = known.find((s) => s.name === arg);
      if (!scenario) {
        const names = known.map((s) => s.name).join(", ");
        throw new Error(`unknown scenario "${arg}" (known: ${names})\n${usage}`);
      }
      args.scenarios.push(scenario);
    }
  }
  if (args.scenarios.length === 0) args.scenarios = [...known];
  return args;
}
