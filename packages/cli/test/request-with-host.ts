import { request } from "node:http";

/**
 * Sends `GET path` to a server on loopback (`url`) with `host` as its Host
 * header, as a browser does for a page whose name resolves to 127.0.0.1;
 * resolves with the status and the body.
 */
export function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = request({ host: "127.0.0.1", port, path, headers: { host } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on("error", reject);
    sent.end();
  });
}
