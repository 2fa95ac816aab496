import type { IncomingMessage } from "node:http";

/**
 * Where a client's address comes from. Colyseus resolves it from X-Real-IP, else X-Forwarded-For,
 * else X-Client-IP, else the socket, but the matchmaking request (POST /matchmake/...) it builds
 * carries only the headers: without a header, every reservation's address is empty and all
 * players share one per-address limit. So every HTTP request and WebSocket upgrade gets exactly
 * one X-Real-IP before Colyseus reads it: the socket's own address, or with `trustProxy` the
 * X-Real-IP that the reverse proxy in front set (it must overwrite the client's). X-Forwarded-For
 * and X-Client-IP are always dropped: a proxy that appends to X-Forwarded-For leaves the client's
 * own claim first, which is where Colyseus reads.
 */
export function stampClientAddress(req: IncomingMessage, trustProxy: boolean): void {
  const headers = req.headers;
  const fromProxy = trustProxy ? firstHop(headers["x-real-ip"]) : undefined;
  delete headers["x-forwarded-for"];
  delete headers["x-client-ip"];
  const address = fromProxy ?? normalizeAddress(req.socket.remoteAddress);
  if (address === undefined) delete headers["x-real-ip"];
  else headers["x-real-ip"] = address;
}

/** `::ffff:127.0.0.2` (an IPv4 peer on a dual-stack socket) and `127.0.0.2` are one address. */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function firstHop(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return normalizeAddress(raw?.split(",")[0].trim());
}
