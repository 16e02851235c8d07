/**
 * Keeping secrets out of error messages: a secret is replaced by `***`
 * as it is and in the encoded forms a URL gives it.
 */

/** What replaces a secret in a message. */
const mask = "***";

/** The forms `secret` may take in a message: as it is, and percent- or form-encoded. */
function formsOf(secret: string): string[] {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [secret, encodeURIComponent(secret), encodeURI(secret), form];
}

/**
 * `text` with every secret (as it is, percent-encoded or form-encoded)
 * replaced by `***`; empty secrets are ignored. Longer secrets are replaced
 * first, so that one holding another is replaced whole.
 *
 * @example
 * redactSecrets("GET /x?key=s3cr3t failed", ["s3cr3t"]); // "GET /x?key=*** failed"
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.filter((secret) => typeof secret === "string" && secret !== "").flatMap(formsOf))];
  forms.sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const form of forms) redacted = redacted.replaceAll(form, mask);
  return redacted;
}

/** `text` percent-decoded, or as it is when it does not decode. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A URL as error messages show it: scheme, host, path and query, decoded,
 * without the user name, password and fragment; a query value holding a
 * secret is shown as `***`, and any secret left elsewhere too. Text that is
 * not a URL is shown quoted, cut to 200 characters.
 *
 * @example
 * displayUrl(new URL("https://u:p@api.example.com/a%20b?key=s3cr3t#top"), ["s3cr3t"]);
 * // "https://api.example.com/a b?key=***"
 */
export function displayUrl(url: URL | string, secrets: readonly string[]): string {
  if (typeof url === "string") {
    if (URL.canParse(url)) return displayUrl(new URL(url), secrets);
    const cut = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    return JSON.stringify(redactSecrets(cut, secrets));
  }
  const holdsSecret = (value: string) => secrets.some((secret) => secret !== "" && value.includes(secret));
  const query = [...url.searchParams]
    .map(([name, value]) => (value === "" ? name : `${name}=${holdsSecret(value) ? mask : value}`))
    .join("&");
  const shown = `${url.protocol}//${url.host}${decoded(url.pathname)}${query === "" ? "" : `?${query}`}`;
  return redactSecrets(shown, secrets);
}
