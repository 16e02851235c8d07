/** One message of a server-sent event stream. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
}

/**
 * Reads the server-sent events of `response`'s body (text/event-stream) as
 * they arrive, until the server closes the stream. Comments (`: ping`) and
 * fields other than `event` and `data` are skipped.
 *
 * @example
 * for await (const message of readServerSentEvents(await fetch(url))) console.log(message.event, message.data);
 */
export async function* readServerSentEvents(response: Response): AsyncGenerator<ServerSentEvent> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "message";
  let data: string[] = [];
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline = buffer.search(/\r\n|\r|\n/);
    while (newline !== -1) {
      if (newline === buffer.length - 1 && buffer.endsWith("\r")) break; // maybe the first half of \r\n
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield { event, data: data.join("\n") };
        event = "message";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      newline = buffer.search(/\r\n|\r|\n/);
    }
  }
}
