/**
 * One turn of the event loop, shared by all who wait for it: `turn` resolves
 * in its check phase, `after` right after the promise callbacks that `turn`
 * set off (Node runs them before the next immediate).
 */
interface Turn {
  turn: Promise<void>;
  after: Promise<void>;
  turnDone: boolean;
}

/** Turns whose `after` has not resolved yet, oldest first. */
const turns: Turn[] = [];

function newTurn(): Turn {
  let resolveTurn = () => {};
  let resolveAfter = () => {};
  const turn: Turn = {
    turn: new Promise<void>((resolve) => {
      resolveTurn = resolve;
    }),
    after: new Promise<void>((resolve) => {
      resolveAfter = resolve;
    }),
    turnDone: false,
  };
  // Scheduled together: nothing runs between them but what `turn` set off.
  setImmediate(() => {
    turn.turnDone = true;
    resolveTurn();
  });
  setImmediate(() => {
    turns.shift();
    resolveAfter();
  });
  turns.push(turn);
  return turn;
}

/**
 * Resolves after the current turn of the event loop (in its check phase,
 * as `setImmediate` does). Everything that asks in the same turn shares one
 * immediate: with hundreds of runs in memory, each waiting a turn between
 * deliveries and before each write, one per caller added up.
 */
export function nextTurn(): Promise<void> {
  const newest = turns[turns.length - 1];
  return newest && !newest.turnDone ? newest.turn : newTurn().turn;
}

/**
 * Resolves after the next turn (`nextTurn`) and after everything its
 * resolution set off without waiting (their promise callbacks, and theirs):
 * a write taken then holds what that turn's deliveries recorded, such as a
 * run's end right after its last step's result. Asked while those callbacks
 * run, it resolves right after them, in the same turn.
 */
export function afterTurn(): Promise<void> {
  return (turns[0] ?? newTurn()).after;
}
