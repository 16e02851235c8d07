/**
 * The task handlers the nightly ETL definition (etl.yaml) calls by name: a
 * warehouse kept in memory stands in for the real one.
 */
import { defineTask } from "baton";

/** A row of a day's orders. */
export interface OrderRow {
  id: string;
  amount: number;
  currency: string;
}

/** The warehouse the handlers read from and load into (in memory). */
export function createWarehouse(days: Record<string, OrderRow[]>) {
  const batches = new Map<string, OrderRow[]>();
  const warehouse = {
    batches,
    tasks: [
      defineTask("extract-orders", (input: { date: string }) => ({ rows: days[input.date] ?? [] })),
      defineTask("check-order", (row: OrderRow) => ({
        ...row,
        valid: Number.isFinite(row.amount) && row.amount > 0 && /^[A-Z]{3}$/.test(row.currency),
      })),
      defineTask("load-orders", (input: { date: string; rows: OrderRow[] }, task) => {
        // The step's key makes a load repeated after a crash the same batch.
        batches.set(task.key, input.rows);
        return { batch: task.key, rows: input.rows.length };
      }),
      defineTask("unload-orders", (input: { batch: string }) => {
        batches.delete(input.batch);
        return { unloaded: input.batch };
      }),
    ],
  };
  return warehouse;
}
