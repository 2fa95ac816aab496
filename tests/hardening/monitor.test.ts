import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay } from "../../kit/waitFor.ts";
import { joinRaw, type RawPeer, type SeatReservation } from "../../kit/rawPeer.ts";
import { LoginLimiter, MONITOR_LOCKOUT_MS, MONITOR_MAX_FAILURES, addressKey, basicPassword } from "../../server/monitorGuard.ts";
import { startPond, type Pond } from "./support/pond.ts";

/**
 * The Colyseus monitor (/monitor) against the real server process, from several loopback source
 * addresses: only its operator can drive it. Actions (the monitor's room calls: kick, dispose,
 * edit) are POST only and only from its own origin; nothing under /monitor carries CORS headers
 * (Colyseus reflects any Origin with Access-Control-Allow-Credentials: true on every other
 * route); an address that keeps guessing the password is locked out while others still log in.
 */
// A colon inside: the password is everything after the first one in the Basic credentials.
const PASSWORD = "correct horse:battery";
const FOREIGN = "https://evil.example";
const address = (n: number) => `127.0.0.${n}`;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  /** Basic credentials' password (user name "operator"); none when undefined. */
  password?: string;
  /** Local source address. */
  from?: string;
}

/** One HTTP request over node:http (fetch can neither choose its source address nor send Origin / Sec-Fetch-* itself). */
function call(pond: Pond, path: string, { method = "GET", headers = {}, password, from = address(2) }: Call = {}): Promise<Answer> {
  const auth: Record<string, string> = password === undefined ? {} : { Authorization: `Basic ${Buffer.from(`operator:${password}`).toString("base64")}` };
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${pond.httpUrl}${path}`, { method, localAddress: from, timeout: 5000, headers: { ...auth, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

const corsHeaders = (answer: Answer) => Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"));

/** The monitor's "disconnect this client" action, as its page builds it. */
function kickPath(seat: SeatReservation, method = "_forceClientDisconnect"): string {
  const query = new URLSearchParams({ roomId: seat.roomId, method, args: JSON.stringify([seat.sessionId]) });
  return `/monitor/api/room/call?${query}`;
}

describe("the monitor, only its operator can drive it", () => {
  let pond: Pond;
  let self: string;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    pond = await startPond({ MONITOR_PASSWORD: PASSWORD, RECONNECT_GRACE_SECONDS: "0" });
    self = pond.httpUrl; // the Origin of the monitor's own page
  });

  afterAll(async () => {
    for (const p of peers) p.kill();
    await pond?.stop();
  });

  async function player(): Promise<{ peer: RawPeer; seat: SeatReservation }> {
    const joined = await joinRaw(pond.httpUrl, pond.wsUrl);
    peers.push(joined.peer);
    return joined;
  }

  it("opens only with the password (any user name), whatever the length of a wrong one", async () => {
    const from = address(2);
    const none = await call(pond, "/monitor/api", { from });
    expect(none.status, "no credentials").toBe(401);
    expect(none.headers["www-authenticate"], "the browser is asked for the password").toMatch(/^Basic realm=/);
    for (const wrong of ["x", "correct horse:batterx", `${PASSWORD}!`]) {
      expect((await call(pond, "/monitor/api", { from, password: wrong })).status, `password ${JSON.stringify(wrong)}`).toBe(401);
    }
    const right = await call(pond, "/monitor/api", { from, password: PASSWORD });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body), "the monitor's room list").toMatchObject({ rooms: expect.any(Array) });
  });

  it("sends no CORS headers under /monitor (Colyseus reflects any Origin, with credentials, everywhere else)", async () => {
    const from = address(3);
    const origin = { Origin: FOREIGN };
    // The probe sees Colyseus' CORS headers where the guard is not: on /health, and on a preflight for it.
    const health = await call(pond, "/health", { from, headers: origin });
    expect(health.headers["access-control-allow-credentials"], "control: Colyseus' CORS headers on /health").toBe("true");
    expect(health.headers["access-control-allow-origin"], "control: Colyseus reflects the Origin").toBe(FOREIGN);
    const healthPreflight = await call(pond, "/health", { from, method: "OPTIONS", headers: { ...origin, "Access-Control-Request-Method": "GET" } });
    expect(healthPreflight.headers["access-control-allow-credentials"], "control: Colyseus answers preflights").toBe("true");

    const preflight = { ...origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" };
    const answers: Array<[string, Answer]> = [
      ["GET /monitor/api", await call(pond, "/monitor/api", { from, headers: origin, password: PASSWORD })],
      ["GET /monitor/", await call(pond, "/monitor/", { from, headers: origin, password: PASSWORD })],
      ["GET /monitor/api, no credentials (401)", await call(pond, "/monitor/api", { from, headers: origin })],
      ["POST a room call (refused)", await call(pond, "/monitor/api/room/call?roomId=x&method=disconnect&args=%5B%5D", { from, method: "POST", headers: origin, password: PASSWORD })],
      ["OPTIONS preflight of a room call", await call(pond, "/monitor/api/room/call", { from, method: "OPTIONS", headers: preflight })],
      ["OPTIONS preflight of /MONITOR/api (express matches any case)", await call(pond, "/MONITOR/api", { from, method: "OPTIONS", headers: preflight })],
    ];
    expect(answers[0][1].status, "the read itself is served").toBe(200);
    expect(answers.map(([label, a]) => [label, corsHeaders(a)]), "Access-Control-* headers under /monitor").toEqual(answers.map(([label]) => [label, []]));
  });

  it("refuses a state-changing call made with GET (or HEAD), even from its own page", async () => {
    const { peer, seat } = await player();
    const ownPage = { Origin: self, "Sec-Fetch-Site": "same-origin" };
    const get = await call(pond, kickPath(seat), { headers: ownPage, password: PASSWORD });
    expect(get.status, `GET answered ${get.body}`).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect((await call(pond, kickPath(seat), { method: "HEAD", headers: ownPage, password: PASSWORD })).status, "HEAD").toBe(405);
    // Spelled as routers may still match it.
    expect((await call(pond, kickPath(seat).replace("/api/room/call", "/API/Room/call/"), { headers: ownPage, password: PASSWORD })).status, "GET /API/Room/call/").toBe(405);
    await delay(300);
    expect(peer.closeInfo, "the player the GETs named is still connected").toBeUndefined();
  });

  it("refuses cross-site POSTs (403) and takes the same call from the monitor's own origin", async () => {
    const { peer, seat } = await player();
    const url = new URL(self);
    const crossSite: Array<[string, Record<string, string>]> = [
      ["a foreign Origin", { Origin: FOREIGN }],
      ["a foreign Origin, the browser saying cross-site", { Origin: FOREIGN, "Sec-Fetch-Site": "cross-site" }],
      ["Origin null (sandboxed frame, data: URL)", { Origin: "null" }],
      ["a foreign Referer and no Origin", { Referer: `${FOREIGN}/page` }],
      ["neither Origin nor Referer", {}],
      ["this host's name inside a foreign one", { Origin: `http://${url.hostname}.evil.example:${url.port}` }],
      ["this host on another port", { Origin: `http://${url.hostname}:${Number(url.port) + 1}` }],
      ["this Origin, but the browser says same-site (a sibling subdomain)", { Origin: self, "Sec-Fetch-Site": "same-site" }],
    ];
    for (const [label, headers] of crossSite) {
      const answer = await call(pond, kickPath(seat), { method: "POST", headers, password: PASSWORD });
      expect(answer.status, `${label}: answered ${answer.body}`).toBe(403);
    }
    await delay(300);
    expect(peer.closeInfo, "no cross-site POST reached the room").toBeUndefined();

    const own = await call(pond, kickPath(seat), { method: "POST", headers: { Origin: self }, password: PASSWORD });
    expect(own.status, `same-origin POST answered ${own.body}`).toBe(200);
    expect((await Promise.race([peer.closed, delay(3000).then(() => undefined)]))?.code, "the same-origin call kicked the player").toBeDefined();

    // The other proofs a browser gives: Sec-Fetch-Site alone, or a Referer of this origin.
    for (const [label, headers] of [["Sec-Fetch-Site: same-origin", { "Sec-Fetch-Site": "same-origin" }], ["a Referer of this origin", { Referer: `${self}/monitor/` }]] as const) {
      const next = await player();
      const answer = await call(pond, kickPath(next.seat), { method: "POST", headers, password: PASSWORD });
      expect(answer.status, `${label}: answered ${answer.body}`).toBe(200);
      expect((await Promise.race([next.peer.closed, delay(3000).then(() => undefined)]))?.code, `${label}: the player was kicked`).toBeDefined();
    }
  });

  it("runs only the monitor's own actions, not any room method", async () => {
    const { peer, seat } = await player();
    const lock = new URLSearchParams({ roomId: seat.roomId, method: "lock", args: "[]" });
    const answer = await call(pond, `/monitor/api/room/call?${lock}`, { method: "POST", headers: { Origin: self }, password: PASSWORD });
    expect(answer.status, `lock answered ${answer.body}`).toBe(400);
    const rooms = JSON.parse((await call(pond, "/monitor/api", { password: PASSWORD })).body) as { rooms: Array<{ roomId: string; locked: boolean }> };
    expect(rooms.rooms.find((r) => r.roomId === seat.roomId), "the pond, not locked").toMatchObject({ locked: false });
    expect(peer.closeInfo).toBeUndefined();
  });

  it("refuses cross-site reads and framing; a link from elsewhere still opens it", async () => {
    const fetchFromOtherSite = { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", Origin: FOREIGN };
    expect((await call(pond, "/monitor/api", { headers: fetchFromOtherSite, password: PASSWORD })).status, "another site's fetch").toBe(403);
    const framed = { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe" };
    expect((await call(pond, "/monitor/", { headers: framed, password: PASSWORD })).status, "another site's iframe").toBe(403);
    const link = await call(pond, "/monitor/", { headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" }, password: PASSWORD });
    expect(link.status, "a top-level link from another site").toBe(200);
    expect(link.headers["x-frame-options"]).toBe("DENY");
    expect(link.headers["content-security-policy"]).toBe("frame-ancestors 'none'");
    // The page makes its room calls POSTs (its bundle fetches them with GET).
    expect(link.body).toMatch(/api\/room\/call"\) \? send\(url, \{ \.\.\.init, method: "POST" \}\)/);
  });

  it(`locks out an address after ${MONITOR_MAX_FAILURES} wrong passwords (429, Retry-After) while another address still logs in`, async () => {
    const guesser = address(20);
    const operator = address(21);
    const before = await pond.metrics();
    for (let i = 0; i < MONITOR_MAX_FAILURES; i++) {
      expect((await call(pond, "/monitor/api", { from: guesser, password: `guess-${i}` })).status, `wrong password ${i + 1}`).toBe(401);
    }
    const locked = await call(pond, "/monitor/api", { from: guesser, password: PASSWORD });
    expect(locked.status, "the right password, from the locked-out address").toBe(429);
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter, "Retry-After, seconds").toBeGreaterThan(MONITOR_LOCKOUT_MS / 1000 - 10);
    expect(retryAfter).toBeLessThanOrEqual(MONITOR_LOCKOUT_MS / 1000);
    expect((await call(pond, "/monitor/api", { from: guesser, password: "guess-again" })).status, "another guess").toBe(429);

    expect((await call(pond, "/monitor/api", { from: operator, password: PASSWORD })).status, `${operator} meanwhile`).toBe(200);
    expect((await call(pond, "/monitor/api", { from: operator, password: "typo" })).status, `${operator}'s one typo`).toBe(401);
    expect((await call(pond, "/monitor/api", { from: operator, password: PASSWORD })).status, `${operator} after its typo`).toBe(200);

    const after = await pond.metrics();
    const delta = (name: string, labels: Record<string, string> = {}) => after.sum(name, labels) - before.sum(name, labels);
    expect(delta("pond_monitor_refused_total", { reason: "bad_credentials" }), "wrong passwords counted").toBe(MONITOR_MAX_FAILURES + 1);
    expect(delta("pond_monitor_refused_total", { reason: "locked_out" }), "requests refused while locked out").toBe(2);
    expect(delta("pond_monitor_lockouts_total"), "lockouts").toBe(1);
  });
});

describe("LoginLimiter (the lockout's bookkeeping, on a fake clock)", () => {
  it("locks after the fifth wrong login for a minute, then counts afresh", () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(5, 60_000, 15 * 60_000, 100, () => now);
    for (let i = 0; i < 4; i++) expect(limiter.fail("198.51.100.7"), `failure ${i + 1}`).toBe(false);
    expect(limiter.lockedFor("198.51.100.7")).toBe(0);
    expect(limiter.fail("198.51.100.7"), "failure 5 locks").toBe(true);
    expect(limiter.lockedFor("198.51.100.7")).toBe(60_000);
    expect(limiter.lockedFor("198.51.100.8"), "another address").toBe(0);
    now += 59_999;
    expect(limiter.lockedFor("198.51.100.7")).toBe(1);
    now += 1;
    expect(limiter.lockedFor("198.51.100.7"), "the minute is over").toBe(0);
    expect(limiter.fail("198.51.100.7"), "the first failure after a lockout does not lock again").toBe(false);
  });

  it("forgets wrong logins after a right one, or after 15 quiet minutes", () => {
    let now = 0;
    const limiter = new LoginLimiter(5, 60_000, 15 * 60_000, 100, () => now);
    for (let i = 0; i < 4; i++) limiter.fail("198.51.100.9");
    limiter.succeed("198.51.100.9");
    for (let i = 0; i < 4; i++) expect(limiter.fail("198.51.100.9")).toBe(false);
    now += 15 * 60_000;
    expect(limiter.fail("198.51.100.9"), "the earlier four were forgotten").toBe(false);
    for (let i = 0; i < 3; i++) limiter.fail("198.51.100.9");
    expect(limiter.fail("198.51.100.9"), "five in a row again").toBe(true);
  });

  it("counts an IPv6 /64 as one address, and stays bounded", () => {
    const limiter = new LoginLimiter(5, 60_000, 15 * 60_000, 3, () => 0);
    for (let i = 1; i <= 4; i++) expect(limiter.fail(`2001:db8:1:2::${i.toString(16)}`)).toBe(false);
    expect(limiter.fail("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "the fifth from the same /64").toBe(true);
    expect(limiter.lockedFor("2001:db8:1:3::1"), "the next /64").toBe(0);
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("203.0.113.5")).toBe("203.0.113.5");
    for (let i = 0; i < 10; i++) limiter.fail(`203.0.113.${i}`);
    expect(limiter.size, "never more than maxTracked addresses").toBe(3);
  });

  it("reads the password after the first colon of Basic credentials", () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
    expect(basicPassword(basic("anyone:pass:with:colons"))).toBe("pass:with:colons");
    expect(basicPassword(basic(":"))).toBe("");
    expect(basicPassword(basic("no colon"))).toBeUndefined();
    expect(basicPassword(`bAsIc ${Buffer.from("u:p").toString("base64")}`)).toBe("p");
    expect(basicPassword("Bearer abc")).toBeUndefined();
    expect(basicPassword(undefined)).toBeUndefined();
  });
});
