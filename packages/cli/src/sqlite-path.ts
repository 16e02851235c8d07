import { resolve } from "node:path";

/**
 * The absolute path of the file of a `sqlite:<path>` store address (read as
 * the library reads it), or undefined for another kind of store and for
 * `sqlite::memory:`.
 *
 * @example
 * sqlitePath("sqlite:.baton/baton.db"); // "/home/ada/app/.baton/baton.db"
 */
export function sqlitePath(store: string): string | undefined {
  const path = /^sqlite:(?!:memory:)(?:\/\/(?=[./]))?(.+)$/.exec(store)?.[1];
  return path === undefined ? undefined : resolve(path);
}
