/**
 * The rules for ids and names, in one place: the library checks them, the
 * HTTP API's schemas and the CLI reuse them (never a copy of the pattern).
 */

/** A run id: 1 to 200 printable ASCII characters without spaces. */
export const runIdPattern = /^[\x21-\x7e]{1,200}$/;

/** A workflow name: a letter or digit, then letters, digits, `.`, `_`, `:` or `-`; at most 128. */
export const workflowNamePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** An event id: 1 to 64 printable ASCII characters without spaces (the runs it starts are `<event id>:<workflow>`). */
export const eventIdPattern = /^[\x21-\x7e]{1,64}$/;

/** A queue name: like a workflow name (a letter or digit, then letters, digits, `.`, `_`, `:` or `-`; at most 128). */
export const queueNamePattern = workflowNamePattern;

/** A concurrency or debounce key: 1 to 200 characters. */
export const flowKeyMaxLength = 200;

/** Text a store keeps as it is: no NUL, no lone UTF-16 surrogate (neither survives PostgreSQL's text or JSON). */
export function isStorableText(text: string): boolean {
  return !unstorable.test(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const unstorable = /\x00|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
