/**
 * A store address fit for messages: the password of `//user:password@host`
 * (and of a `password=` query parameter) replaced by `***`.
 *
 * @example
 * maskPassword("postgres://baton:s3cret@db/app"); // "postgres://baton:***@db/app"
 */
export function maskPassword(address: string): string {
  let masked = address;
  const start = masked.indexOf("//");
  if (start !== -1) {
    const rest = masked.slice(start + 2);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf("@");
    const colon = authority.indexOf(":");
    if (at !== -1 && colon !== -1 && colon < at) {
      const userinfo = `${authority.slice(0, colon)}:***`;
      masked = masked.slice(0, start + 2) + userinfo + masked.slice(start + 2 + at);
    }
  }
  return masked.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/**
 * `text` with the address's password masked wherever it appears, the address
 * itself included: for messages of drivers that may quote what they were
 * given. (Passwords shorter than 4 characters are masked in the address only.)
 */
export function maskPasswordsIn(text: string, address: string): string {
  let masked = text.split(address).join(maskPassword(address));
  for (const secret of passwordsOf(address)) {
    if (secret.length >= 4) masked = masked.split(secret).join("***");
  }
  return masked;
}

function passwordsOf(address: string): string[] {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return [];
  }
  const raw = [url.password, url.searchParams.get("password") ?? ""].filter((value) => value !== "");
  return raw.flatMap((value) => {
    try {
      return [value, decodeURIComponent(value)];
    } catch {
      return [value];
    }
  });
}
