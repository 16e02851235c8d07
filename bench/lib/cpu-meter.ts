/**
 * Where the machine's processors went during a measurement: the cores kept
 * busy in all (`/proc/stat`), and the share of PostgreSQL's server processes,
 * of given processes (worker processes) and of the bench process itself
 * (`/proc/<pid>/stat`). A figure is in cores: CPU time over wall time, so 2
 * on this machine means both cores were busy throughout.
 *
 * Linux only: elsewhere (no `/proc`) every figure is null. Processes that
 * start during the measurement count from their start. Of those that exit
 * during it, PostgreSQL's backends are counted (the server's main process
 * adds the time of each child it reaps); others are not.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Cores used during a measurement; null where it could not be read. */
export interface CpuUse {
  /** Cores busy on the whole machine. */
  busy: number | null;
  /** Cores used by processes named `postgres` (the server and its backends). */
  postgres: number | null;
  /** Cores used by the processes given to `startCpuMeter`. */
  processes: number | null;
  /** Cores used by the bench process. */
  bench: number | null;
}

/** A running measurement. */
export interface CpuMeter {
  /** Ends it and says what the cores did since it started. */
  stop(): CpuUse;
}

interface Ticks {
  /** All processors' ticks, busy or idle. */
  total: number;
  busy: number;
  processors: number;
  /** Ticks (user + system) of each process read, by pid; a PostgreSQL process's include its ended children's. */
  byPid: Map<number, { ticks: number; postgres: boolean }>;
}

/**
 * The busy and total ticks of all processors from the `cpu` line of
 * `/proc/stat` (`cpu user nice system idle iowait irq softirq steal guest
 * guest_nice`; guest time is already in user), and how many processors
 * there are (its `cpuN` lines).
 */
export function parseMachineTicks(stat: string): { total: number; busy: number; processors: number } | undefined {
  const lines = stat.split("\n");
  const line = lines.find((l) => l.startsWith("cpu "));
  const processors = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  if (!line || processors === 0) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { total: busy + idle + iowait, busy, processors };
}

/**
 * The name, the user + system ticks of a process and those of its children
 * that ended (and were waited for) from its `/proc/<pid>/stat`. The name is
 * in parentheses and may hold spaces and parentheses itself: the fields
 * after it start at the last `)`.
 */
export function parseProcessTicks(stat: string): { name: string; ticks: number; children: number } | undefined {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open === -1 || close < open) return undefined;
  // After the name: state (field 3) ... utime (14), stime (15), cutime (16), cstime (17).
  const [utime, stime, cutime, cstime] = stat
    .slice(close + 2)
    .split(" ")
    .slice(11, 15)
    .map(Number);
  if (![utime, stime, cutime, cstime].every(Number.isFinite)) return undefined;
  return {
    name: stat.slice(open + 1, close),
    ticks: (utime as number) + (stime as number),
    children: (cutime as number) + (cstime as number),
  };
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // gone, or not Linux
  }
};

function readTicks(pids: readonly number[]): Ticks | undefined {
  const machine = parseMachineTicks(readText("/proc/stat") ?? "");
  if (!machine) return undefined;
  const byPid: Ticks["byPid"] = new Map();
  const read = (pid: number) => {
    const parsed = parseProcessTicks(readText(`/proc/${pid}/stat`) ?? "");
    if (!parsed) return;
    const postgres = parsed.name === "postgres";
    byPid.set(pid, { ticks: postgres ? parsed.ticks + parsed.children : parsed.ticks, postgres });
  };
  for (const entry of readdirSync("/proc")) if (/^\d+$/.test(entry)) read(Number(entry));
  for (const pid of pids) if (!byPid.has(pid)) read(pid);
  return { ...machine, byPid };
}

/**
 * Starts measuring. `pids`: the processes whose share `processes` reports
 * (worker processes), read at both ends.
 */
export function startCpuMeter(pids: readonly number[] = []): CpuMeter {
  const first = readTicks(pids);
  return {
    stop(): CpuUse {
      const last = readTicks(pids);
      if (!first || !last || last.total <= first.total)
        return { busy: null, postgres: null, processes: null, bench: null };
      // Ticks of the whole machine count every processor: a share of them times the processors is cores.
      const cores = (ticks: number) => (ticks / (last.total - first.total)) * last.processors;
      const used = (pid: number) => {
        const end = last.byPid.get(pid);
        return end ? end.ticks - (first.byPid.get(pid)?.ticks ?? 0) : 0;
      };
      // The ticks of all PostgreSQL processes, including the ended ones the
      // server's main process has reaped, only grow: their sum at each end.
      const postgresTicks = (ticks: Ticks) => {
        let sum = 0;
        for (const process of ticks.byPid.values()) if (process.postgres) sum += process.ticks;
        return sum;
      };
      return {
        busy: cores(last.busy - first.busy),
        postgres: cores(postgresTicks(last) - postgresTicks(first)),
        processes: cores(pids.reduce((sum, pid) => sum + used(pid), 0)),
        bench: cores(used(process.pid)),
      };
    },
  };
}
