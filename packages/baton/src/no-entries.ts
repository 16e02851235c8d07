/** A map with no entries that refuses to take any. */
class NoEntries extends Map<never, never> {
  override set(): never {
    throw new Error("the shared empty map takes no entries");
  }
}

const shared = new NoEntries();

/**
 * The one shared empty map, read in place of a map not made yet: most runs
 * in memory never need most of their maps, and each costs about 200 bytes.
 */
export function noEntries<K, V>(): Map<K, V> {
  return shared as unknown as Map<K, V>;
}
