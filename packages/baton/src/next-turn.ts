let turn: Promise<void> | undefined;

/**
 * Resolves after the current turn of the event loop (in its check phase,
 * as `setImmediate` does). Everything that asks in the same turn shares one
 * immediate: with hundreds of runs in memory, each waiting a turn between
 * deliveries and before each write, one per caller added up.
 */
export function nextTurn(): Promise<void> {
  turn ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      turn = undefined;
      resolve();
    }),
  );
  return turn;
}
