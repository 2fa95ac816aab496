import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The largest matchmaking request body taken: join options are a name and little else (PondRoom
 * refuses options over 1 KB), a reconnect carries a token.
 */
export const MAX_MATCHMAKE_BODY = 4096;

/**
 * Colyseus buffers and parses matchmaking bodies up to 1 MiB before anything of ours can look at
 * them: eight senders of 1 MiB bodies slowed an honest player and doubled the server's memory. So
 * a body is judged by its declared length, before a byte of it is read: too large is 413, and no
 * declared length at all (chunked) is 411 (browsers and the SDK always declare it). Answers true
 * when it answered the request itself.
 */
export function refuseOversizedMatchmaking(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url?.startsWith("/matchmake/")) return false;
  const declared = req.headers["content-length"];
  const chunked = req.headers["transfer-encoding"] !== undefined;
  let status = 0;
  if (chunked || (declared === undefined && req.headers["content-type"] !== undefined)) status = 411;
  else if (declared !== undefined && !(Number(declared) <= MAX_MATCHMAKE_BODY)) status = 413;
  if (status === 0) return false;
  const body = JSON.stringify({ code: status, error: status === 413 ? `Request body over ${MAX_MATCHMAKE_BODY} bytes.` : "A request body needs a Content-Length." });
  // Answer at once and close after; what the client still sends is discarded as it comes
  // (never buffered or parsed), so it reads the answer instead of a reset connection.
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
  req.resume();
  return true;
}
