/** One message of a server-sent event stream. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the message names none. */
  event: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
  id?: string;
}

/**
 * A parser of the `text/event-stream` format: feed it text as it arrives
 * (chunks may split lines anywhere); it calls `onEvent` for each complete
 * message. Comment lines (`: keep-alive`) are skipped.
 *
 * @example
 * const parser = createEventStreamParser((e) => console.log(e.event, e.data));
 * parser.push("event: run\ndata: {\"status\":\"running\"}\n\n");
 */
export function createEventStreamParser(onEvent: (event: ServerSentEvent) => void) {
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  const dispatch = () => {
    if (data.length > 0) onEvent({ event: event || "message", data: data.join("\n"), ...(id ? { id } : {}) });
    event = "";
    data = [];
  };
  const takeLine = (line: string) => {
    if (line === "") return dispatch();
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  };
  return {
    /** Adds text received from the stream. */
    push(chunk: string) {
      buffer += chunk;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone "\r" at the end may be the first half of "\r\n": wait for more.
        if (!match || (match[0] === "\r" && match.index === buffer.length - 1)) return;
        takeLine(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    /** The stream ended: a message without its closing blank line is dropped, as browsers do. */
    end() {
      buffer = "";
      event = "";
      data = [];
    },
  };
}

/**
 * Reads a `text/event-stream` body to its end (or until `signal` aborts),
 * calling `onEvent` for every message.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: ServerSentEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const parser = createEventStreamParser(onEvent);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
}
