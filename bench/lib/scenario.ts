/**
 * What a benchmark scenario is, and what it hands back: the runner
 * (`bench/run.ts`) gives a scenario a context per store kind (fresh store
 * addresses, the bench run's PostgreSQL database, a logger) and receives a
 * summary table (medians over rounds) plus the raw measurements of every round.
 */

/** The stores a scenario can run on. */
export type StoreKind = "sqlite" | "postgres";

/** What the runner gives a scenario. */
export interface ScenarioContext {
  /** The store this pass measures. */
  readonly store: StoreKind;
  /**
   * The address of a new, empty store: a new schema in the bench run's
   * PostgreSQL database, or a new SQLite file. `name`: lower-case letters,
   * digits and `_`, unique within the pass.
   */
  newStore(name: string): string;
  /** The bench run's PostgreSQL database (set on the PostgreSQL pass), for raw baselines. */
  readonly postgresUrl?: string;
  /** Progress messages (standard error). */
  log(message: string): void;
}

/** Sizes of a measurement; the runner fills them from the command line or the scenario's defaults. */
export interface ScenarioSizes {
  /** Repetitions of the whole measurement; the table shows medians over them. */
  rounds: number;
  /** Runs started per round and configuration (each scenario says what it counts). */
  runs: number;
}

/** Sizes plus the scenario's own options as given on the command line (absent: the scenario's default). */
export interface ScenarioArgs extends ScenarioSizes {
  /** `--name 1,2,3` as `{ name: [1, 2, 3] }`, for the names in `Scenario.options`. */
  options: Record<string, number[]>;
}

/** One column of a summary table. */
export interface Column {
  /** Property of each row. */
  key: string;
  /** Header. */
  title: string;
  /** Decimals of numbers (default 0). */
  digits?: number;
}

/** A row of a summary table: numbers, labels, or null where a figure does not apply. */
export type Row = Record<string, string | number | null>;

/** What a scenario measured on one store. */
export interface ScenarioResult {
  /** The parameters it ran with. */
  params: Record<string, unknown>;
  columns: Column[];
  /** Medians over the rounds. */
  rows: Row[];
  /** Raw measurements, one entry per round. */
  rounds: unknown[];
  /** What a reader of the table should know (warnings seen during the measurement), printed under it. */
  notes?: string[];
}

/** A benchmark scenario. */
export interface Scenario {
  /** Name on the command line and in result files. */
  name: string;
  /** One line, printed above its table. */
  description: string;
  /** Stores it runs on, in order. */
  stores: StoreKind[];
  defaults: ScenarioSizes;
  /**
   * Options of its own on the command line (`--name value[,value...]`, positive
   * integers), by name, each with a description that states its default.
   */
  options?: Record<string, string>;
  run(context: ScenarioContext, args: ScenarioArgs): Promise<ScenarioResult>;
}

/** The single value of option `name` (its last, if a list was given), or `fallback`. */
export function optionValue(args: ScenarioArgs, name: string, fallback: number): number {
  const values = args.options[name];
  return values && values.length > 0 ? (values[values.length - 1] as number) : fallback;
}
