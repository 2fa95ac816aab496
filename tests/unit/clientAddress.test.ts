import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { normalizeAddress, stampClientAddress } from "../../server/clientAddress.ts";

function request(remoteAddress: string | undefined, headers: Record<string, string>): IncomingMessage {
  return { headers: { ...headers }, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("stampClientAddress", () => {
  it("sets X-Real-IP to the socket's address, so the matchmaking request knows it", () => {
    const req = request("127.0.0.2", {});
    stampClientAddress(req, false);
    expect(req.headers["x-real-ip"]).toBe("127.0.0.2");
  });

  it("replaces every address a client claims when no proxy is trusted", () => {
    const req = request("::ffff:127.0.0.3", { "x-real-ip": "203.0.113.1", "x-forwarded-for": "203.0.113.2", "x-client-ip": "203.0.113.3" });
    stampClientAddress(req, false);
    expect(req.headers).toEqual({ "x-real-ip": "127.0.0.3" });
  });

  it("trusts the proxy's X-Real-IP with trustProxy, and still drops X-Forwarded-For", () => {
    const req = request("127.0.0.1", { "x-real-ip": "198.51.100.7", "x-forwarded-for": "203.0.113.2, 198.51.100.7" });
    stampClientAddress(req, true);
    expect(req.headers).toEqual({ "x-real-ip": "198.51.100.7" });
  });

  it("falls back to the socket with trustProxy when the proxy set nothing", () => {
    const req = request("127.0.0.4", {});
    stampClientAddress(req, true);
    expect(req.headers["x-real-ip"]).toBe("127.0.0.4");
  });

  it("leaves no address rather than an empty one", () => {
    const req = request(undefined, { "x-real-ip": "203.0.113.1" });
    stampClientAddress(req, false);
    expect(req.headers["x-real-ip"]).toBeUndefined();
  });
});

describe("normalizeAddress", () => {
  it("folds IPv4-mapped IPv6 into IPv4 and keeps real IPv6", () => {
    expect(normalizeAddress("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(normalizeAddress("::1")).toBe("::1");
    expect(normalizeAddress("")).toBeUndefined();
  });
});
