/**
 * Worker processes of the multi-worker test, seen from the test process:
 * spawning `worker-process.ts`, waiting for it to run, and killing, freezing
 * and continuing it. Every process spawned here is killed when the test
 * process exits, frozen or not.
 */
import { fileURLToPath } from "node:url";
import { type Exit, killAllProcesses, spawnTestProcess, type TestProcess } from "../../test-process.js";

export type { Exit };

const workerScript = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

/** A child process running `worker-process.ts`. */
export interface WorkerProcess extends TestProcess {
  generation: number;
  isReady: boolean;
  /** True between SIGSTOP and SIGCONT. */
  frozen: boolean;
}

/** Kills every worker process still alive (a frozen one too: SIGKILL ends a stopped process). */
export const killAllWorkers = killAllProcesses;

/** Spawns worker generation `generation` on the store at `address`, writing its ledger in `ledgerDir`. */
export function spawnWorker(address: string, ledgerDir: string, generation: number): WorkerProcess {
  const spawned = spawnTestProcess(workerScript, [address, ledgerDir, String(generation)], `worker ${generation}`);
  const worker: WorkerProcess = Object.assign(spawned, { generation, isReady: false, frozen: false });
  void worker.ready.then(
    () => {
      worker.isReady = true;
    },
    () => {},
  );
  return worker;
}

/** SIGKILLs a worker and waits for it to be gone. */
export async function killWorker(worker: WorkerProcess): Promise<Exit> {
  worker.child.kill("SIGKILL");
  return worker.exited;
}

/** SIGSTOPs a worker for `ms`, then SIGCONTs it; resolves once it runs again, with the time (epoch ms) just before SIGCONT. */
export async function freezeWorker(worker: WorkerProcess, ms: number): Promise<number> {
  worker.frozen = true;
  worker.child.kill("SIGSTOP");
  await new Promise((resolve) => setTimeout(resolve, ms));
  const resumingAt = Date.now();
  worker.child.kill("SIGCONT");
  worker.frozen = false;
  return resumingAt;
}

/** Stops a worker with SIGTERM (a graceful stop); resolves with how it exited, or undefined after `timeoutMs`. */
export async function stopWorker(worker: WorkerProcess, timeoutMs: number): Promise<Exit | undefined> {
  worker.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([worker.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
