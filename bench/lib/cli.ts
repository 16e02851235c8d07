/**
 * Command line of the bench runner:
 * `[scenario...] [--rounds N] [--runs N] [--store sqlite|postgres] [--<option> N[,N...]]`,
 * where the options are those the named scenarios (all when none is named) declare.
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
  /** Scenario options, `--name 1,2` as `{ name: [1, 2] }`. */
  options: Record<string, number[]>;
}

/** The usage line, printed with every command-line error. */
export const usage =
  "usage: npm run bench -- [scenario...] [--rounds N] [--runs N] [--store sqlite|postgres] [--<option> N[,N...]]\n" +
  "(npm passes options on only after --)";

const positiveInteger = (flag: string, value: string | undefined): number => {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer\n${usage}`);
  return n;
};

const positiveIntegers = (flag: string, value: string | undefined): number[] => {
  if (value === undefined) throw new Error(`${flag} needs a positive integer or a list of them (1,2,4)\n${usage}`);
  return value.split(",").map((part) => positiveInteger(flag, part));
};

/** The options of `scenarios`, each with the scenarios that declare it. */
function optionHelp(scenarios: Scenario[]): string {
  const lines = scenarios.flatMap((s) =>
    Object.entries(s.options ?? {}).map(([name, description]) => `  ${s.name}: --${name}  ${description}`),
  );
  return lines.length > 0 ? `options of the scenarios:\n${lines.join("\n")}` : "";
}

/** Parses `argv` (without node and the script). @throws on anything it does not know, with the usage. */
export function parseArgs(argv: string[], known: Scenario[]): BenchArgs {
  const args: BenchArgs = { scenarios: [], options: {} };
  const given: [string, string | undefined][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--rounds") args.rounds = positiveInteger(arg, argv[++i]);
    else if (arg === "--runs") args.runs = positiveInteger(arg, argv[++i]);
    else if (arg === "--store") {
      const store = argv[++i];
      if (store !== "sqlite" && store !== "postgres") throw new Error(`--store needs sqlite or postgres\n${usage}`);
      args.store = store;
    } else if (arg === "--help" || arg === "-h") throw new Error(`${usage}\n${optionHelp(known)}`);
    else if (arg.startsWith("--")) given.push([arg, argv[++i]]);
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
  for (const [flag, value] of given) {
    const name = flag.slice(2);
    if (!args.scenarios.some((s) => s.options?.[name] !== undefined)) {
      throw new Error(
        `unknown option ${flag} for ${args.scenarios.map((s) => s.name).join(", ")}\n${usage}\n${optionHelp(args.scenarios)}`,
      );
    }
    args.options[name] = positiveIntegers(flag, value);
  }
  return args;
}
