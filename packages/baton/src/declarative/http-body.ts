/** Bodies of the `http` node: the request's encoded from the spec, the answer's decoded by its content type. */
import { HttpError } from "./http-error.js";

/**
 * The bytes of a request body, setting `content-type` and `content-length`
 * in `headers` (by lower-case name; a content type already there is kept):
 * `undefined` sends no body, a string is sent as it is (`text/plain;
 * charset=utf-8`), anything else as JSON (`application/json`).
 *
 * @example
 * encodeHttpBody({ id: 7 }, headers); // Buffer of '{"id":7}', headers["content-type"] = "application/json"
 * @throws HttpError `HTTP_INVALID_REQUEST` for a value JSON cannot hold (a
 * BigInt, a cycle, a function).
 */
export function encodeHttpBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  delete headers["content-length"];
  if (body === undefined) return undefined;
  let text: string | undefined;
  if (typeof body === "string") {
    text = body;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else {
    try {
      text = JSON.stringify(body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HttpError("HTTP_INVALID_REQUEST", `the body cannot be sent as JSON: ${reason}`);
    }
    if (text === undefined)
      throw new HttpError("HTTP_INVALID_REQUEST", `the body cannot be sent as JSON: ${typeof body}`);
    headers["content-type"] ??= "application/json";
  }
  const bytes = Buffer.from(text, "utf8");
  headers["content-length"] = String(bytes.length);
  return bytes;
}

/** True for a JSON content type: `application/json` or any `…+json`. */
export function isJsonContentType(contentType: string | undefined): boolean {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(media);
}

/**
 * The body of an answer: parsed JSON when its content type is JSON (`null`
 * when empty; a byte order mark is ignored), else the text (UTF-8).
 *
 * @example
 * decodeHttpBody(Buffer.from('{"ok":true}'), { "content-type": "application/json" }); // { ok: true }
 * @throws HttpError `HTTP_INVALID_RESPONSE` when a JSON content type comes with a body that is not JSON.
 */
export function decodeHttpBody(raw: Buffer, headers: Record<string, string>): unknown {
  const text = raw.toString("utf8");
  if (!isJsonContentType(headers["content-type"])) return text;
  const json = text.replace(/^\uFEFF/, "");
  if (json.trim() === "") return null;
  try {
    return JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError("HTTP_INVALID_RESPONSE", `the body is not the JSON its content type says: ${reason}`);
  }
}
