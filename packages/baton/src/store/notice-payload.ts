import type { StoreNotice } from "./store.js";

/**
 * The text of a notice, as PostgreSQL's NOTIFY and SQLite's `notices` table
 * carry it: `r` runnable, `k:<pokeSeq>:<runId>` poked, `w:<epoch ms>` wake,
 * `s` schedules changed, `t:<queue>` a task was queued, `d` definitions changed.
 */
export type NoticePayload = "r" | "s" | "d" | `k:${number}:${string}` | `w:${number}` | `t:${string}`;

/** The payload announcing a poke of `runId` that raised its `poke_seq` to `pokeSeq`. */
export function pokedPayload(runId: string, pokeSeq: number): NoticePayload {
  return `k:${pokeSeq}:${runId}`;
}

/** Reads a notice's payload; `p:<runId>` (a poke without its seq) is read too. Unknown text gives undefined. */
export function parseNotice(payload: string | undefined): StoreNotice | undefined {
  if (payload === "r") return { kind: "runnable" };
  if (payload === "s") return { kind: "schedules" };
  if (payload === "d") return { kind: "definitions" };
  if (payload?.startsWith("k:")) {
    const colon = payload.indexOf(":", 2);
    const pokeSeq = Number(payload.slice(2, colon));
    if (colon < 0 || !Number.isSafeInteger(pokeSeq)) return undefined;
    return { kind: "poked", runId: payload.slice(colon + 1), pokeSeq };
  }
  if (payload?.startsWith("t:")) return { kind: "task", queue: payload.slice(2) };
  if (payload?.startsWith("p:")) return { kind: "poked", runId: payload.slice(2) };
  if (payload?.startsWith("w:")) {
    const at = Number(payload.slice(2));
    return Number.isFinite(at) ? { kind: "wake", at } : undefined;
  }
  return undefined;
}
