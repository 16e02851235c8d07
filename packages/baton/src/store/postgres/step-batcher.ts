/**
 * Group commit of the common write of a step on PostgreSQL: the lean writes
 * of many runs issued in one turn of the event loop (or while the previous
 * batches were under way) go out as one statement, one round trip and one
 * commit. Each caller learns whether its own fence matched, only after that
 * commit.
 */

/** A run's lean write (events, status, next timer, poke seq), as the batch statement reads it. */
export interface StepWrite {
  id: string;
  owner: string;
  token: number;
  previous_seq: number;
  last_seq: number;
  status: string | null;
  set_wake: boolean;
  wake_at: number | null;
  seen_poke_seq: number | null;
  now: number;
  /** History rows (`run_id` set). */
  events: object[];
}

/** Sends writes; resolves with the ids of the runs whose fence matched (their writes committed). */
export type SendSteps = (writes: StepWrite[]) => Promise<Set<string>>;

/** Collects lean writes into shared statements. */
export interface StepBatcher {
  /** Resolves true when the write committed, false when its fence did not match; rejects with the batch's error. */
  write(write: StepWrite): Promise<boolean>;
}

interface Queued {
  write: StepWrite;
  resolve: (matched: boolean) => void;
  reject: (error: unknown) => void;
}

/** Most writes in one statement. */
const maxBatch = 500;

/**
 * A batcher sending through `send`, with at most `maxInFlight` statements
 * under way; writes that come meanwhile wait and go out together next.
 */
export function createStepBatcher(send: SendSteps, maxInFlight: number): StepBatcher {
  let queue: Queued[] = [];
  let inFlight = 0;
  let scheduled = false;

  const dispatch = (batch: Queued[]) => {
    inFlight++;
    send(batch.map((item) => item.write))
      .then(
        (matched) => {
          for (const item of batch) item.resolve(matched.has(item.write.id));
        },
        (error) => {
          for (const item of batch) item.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        pump();
      });
  };

  const pump = () => {
    while (queue.length > 0 && inFlight < maxInFlight) {
      dispatch(queue.slice(0, maxBatch));
      queue = queue.slice(maxBatch);
    }
  };

  return {
    write(write) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      });
    },
  };
}
