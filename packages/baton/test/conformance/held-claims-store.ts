import { openStore } from "baton";
import { wrapStore } from "../helpers.js";

/**
 * The store at `address` (`inner`) and as a worker sees it (`store`): once
 * `claims.hold()` is called, claims wait until `claims.open()`;
 * `claims.entered` says one is waiting.
 */
export function heldClaimsStore(address: string) {
  const inner = openStore(address);
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const claims = {
    held: false,
    entered: false,
    hold() {
      claims.held = true;
    },
    open: () => opened(),
  };
  const store = wrapStore(inner, {
    async claimRuns(request) {
      if (claims.held) {
        claims.entered = true;
        await open;
      }
      return inner.claimRuns(request);
    },
  });
  return { inner, store, claims };
}
