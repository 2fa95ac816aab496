import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawPeer, reserveSeat, type SeatReservation } from "../../kit/rawPeer.ts";
import { freePort } from "../../kit/ports.ts";
import { ManagedProcess, REPO_ROOT, stopAll } from "../../kit/process.ts";
import { waitFor } from "../../kit/waitFor.ts";
import { describeWithRedis, freshDatabase, startNode, type ClusterNode } from "../cluster/support/cluster.ts";
import { SessionPool, type RecordedSession } from "../cluster/support/sessions.ts";

/**
 * The documented deployment, for real: Debian's nginx with deploy/nginx/pond-server.conf (the
 * very file operators install) in front of two game processes on Redis, each advertising its
 * path on the proxy (/p1, /p2) as PUBLIC_ADDRESS. Only the upstream addresses are the test's own
 * (deploy/nginx/pond-http.conf names fixed ports). Players reach everything through one port.
 */
const DB = 14;
/** MAX_CONNECTIONS_PER_IP of both processes. */
const PER_ADDRESS = 3;
const NGINX = process.env.NGINX_PATH ?? ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));
const CI = process.env.CI !== undefined && !/^(|0|false)$/i.test(process.env.CI.trim());

function describeWithNginx(name: string, body: (nginx: string) => void): void {
  if (NGINX !== undefined) return describeWithRedis(name, () => body(NGINX));
  if (CI) {
    describe(name, () => it("has the nginx it needs", () => { throw new Error("nginx is not installed: .ci/run installs Debian's nginx-light"); }));
  } else {
    console.warn(`[tests/deploy] skipping "${name}": nginx is not installed (apt-get install nginx-light, or NGINX_PATH=...)`);
    describe.skip(name, () => body("nginx"));
  }
}

/** Starts nginx in the foreground with the deploy config included, on a loopback port. */
async function startNginx(binary: string, port: number, nodes: ClusterNode[]): Promise<{ proc: ManagedProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "pond-nginx-"));
  // The same upstream names as deploy/nginx/pond-http.conf, at this test's ports.
  writeFileSync(join(dir, "pond-http.conf"), [
    "map $http_upgrade $connection_upgrade { default upgrade; '' ''; }",
    `upstream pond_any { ${nodes.map((n) => `server 127.0.0.1:${n.port} max_fails=1 fail_timeout=5s;`).join(" ")} keepalive 8; }`,
    ...nodes.map((n, i) => `upstream pond_p${i + 1} { server 127.0.0.1:${n.port}; }`),
  ].join("\n"));
  writeFileSync(join(dir, "nginx.conf"), `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  # Nothing spills to temp files (the worker may run as nobody, which cannot write ${dir}).
  proxy_max_temp_file_size 0;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/pond-http.conf;
  server {
    listen 127.0.0.1:${port};
    include ${REPO_ROOT}deploy/nginx/pond-server.conf;
  }
}
`);
  const proc = new ManagedProcess(binary, ["-p", dir, "-c", join(dir, "nginx.conf")], { name: "nginx" });
  await waitFor(async () => {
    if (proc.hasExited) throw new Error(`nginx exited: ${proc.tail()}${existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : ""}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      // Answered by one of our game processes, through nginx: not by another server that took the port first.
      const { pid } = (await response.json()) as { pid?: number };
      return response.ok && nodes.some((n) => n.proc.pid === pid);
    } catch {
      return false;
    }
  }, { timeoutMs: 15_000, message: "nginx to answer /health through to a game process" });
  return { proc, dir };
}

/** The room socket URL the SDK builds from a seat: ws://<publicAddress>/<processId>/<roomId>. */
function socketUrl(seat: SeatReservation): string {
  return `ws://${seat.publicAddress}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}`;
}

/** Which process's path a socket went through (/p1/ or /p2/). */
function proxyPath(url: string | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url).pathname.split("/")[1];
}

describeWithNginx("the documented nginx deployment", (nginxBinary) => {
  let proxyPort: number;
  let proxy: string;
  let nodes: ClusterNode[] = [];
  let nginx: { proc: ManagedProcess; dir: string } | undefined;
  const pool = new SessionPool();
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    expect(existsSync(`${REPO_ROOT}dist/index.html`), "the built client (npm test builds it first)").toBe(true);
    const redisUrl = await freshDatabase(process.env.TEST_REDIS_URL!, DB);
    proxyPort = await freePort();
    proxy = `http://127.0.0.1:${proxyPort}`;
    const node = (index: number) => startNode({
      redisUrl,
      maxPlayers: 10,
      publicAddress: `127.0.0.1:${proxyPort}/p${index}`,
      env: { TRUST_PROXY: "on", CLIENT_DIR: `${REPO_ROOT}dist`, MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS), JOIN_RATE_PER_IP: "100" },
    });
    nodes = await Promise.all([node(1), node(2)]);
    nginx = await startNginx(nginxBinary, proxyPort, nodes);
  });

  /** Seats are released when the server sees each leave: wait for it, so the next test starts from zero. */
  const everyoneGone = () => waitFor(async () => {
    const counts = await Promise.all(nodes.map(async (n) => ((await (await fetch(`${n.httpUrl}/health`)).json()) as { players: number }).players));
    return counts.every((c) => c === 0);
  }, { timeoutMs: 10_000, message: "every player to have left both processes" });

  afterAll(async () => {
    for (const peer of peers) peer.kill();
    await pool.closeAll();
    await Promise.all(nodes.map((n) => n.stop()));
    await nginx?.proc.stop(3000);
    if (nginx) rmSync(nginx.dir, { recursive: true, force: true });
    await stopAll();
  });

  it("serves the page and its precompressed assets", async () => {
    const page = await fetch(`${proxy}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, "the page's entry script").toBeDefined();
    const asset = await fetch(`${proxy}${script}`, { headers: { "Accept-Encoding": "br, gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("br");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    const gzipped = await fetch(`${proxy}${script}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    // fetch decompressed both: the same script either way.
    expect(await gzipped.text()).toBe(await asset.text());
  });

  it("plays a pond through the proxy: players join, meet and see each other", async () => {
    const a = await pool.join({ url: proxy, name: "Ada" });
    const b = await pool.join({ url: proxy, name: "Bo" });
    for (const r of [a, b]) {
      // The socket went through the proxy's port and a per-process path.
      expect(new URL(r.session.socketUrl!).port).toBe(String(proxyPort));
      expect(proxyPath(r.session.socketUrl)).toMatch(/^p[12]$/);
    }
    expect(a.session.roomId).toBe(b.session.roomId);
    await waitFor(() => a.added.includes(b.session.sessionId!) && b.added.includes(a.session.sessionId!), {
      timeoutMs: 10_000, message: "each player to see the other",
    });
    await pool.closeAll();
    await everyoneGone();
  });

  it("counts each player's own address, and ignores an X-Real-IP the client forges", async () => {
    const joinFrom = async (localAddress: string, forged: string): Promise<RawPeer> => {
      const seat = await reserveSeat(proxy, {}, { localAddress, headers: { "X-Real-IP": forged } });
      const peer = new RawPeer(socketUrl(seat), { localAddress, headers: { "X-Real-IP": forged } });
      peers.push(peer);
      await Promise.race([peer.joined, peer.closed]);
      return peer;
    };
    // 127.0.0.2 claims a new address each time, and still gets only its PER_ADDRESS seats.
    for (let i = 1; i <= PER_ADDRESS; i++) expect((await joinFrom("127.0.0.2", `10.0.0.${i}`)).reconnectionToken).toBeDefined();
    const extra = await joinFrom("127.0.0.2", "10.0.0.99");
    expect(extra.reconnectionToken, "one seat more than the cap from 127.0.0.2").toBeUndefined();
    // Behind the proxy every socket comes from 127.0.0.1: another client address is still free.
    expect((await joinFrom("127.0.0.3", "10.0.0.1")).reconnectionToken, "a seat from 127.0.0.3").toBeDefined();
    for (const peer of peers.splice(0)) peer.leave();
    await everyoneGone();
  });

  it("moves a stopping process's players to the other one, through the proxy", async () => {
    // One pond (maxPlayers 10) of as many players as 127.0.0.1 may bring.
    const players: RecordedSession[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) players.push(await pool.join({ url: proxy, name: `p${i}` }));
    const path = proxyPath(players[0].session.socketUrl)!;
    expect(players.map((r) => proxyPath(r.session.socketUrl))).toEqual(Array(PER_ADDRESS).fill(path));
    const victim = nodes[path === "p1" ? 0 : 1];
    const survivor = path === "p1" ? "p2" : "p1";

    victim.proc.signal("SIGTERM");
    expect(await victim.proc.waitForExit(20_000), victim.proc.tail()).toEqual({ code: 0, signal: null });
    await waitFor(() => players.every((r) => r.session.status === "connected" && proxyPath(r.session.socketUrl) === survivor && r.session.connection?.self), {
      timeoutMs: 20_000,
      message: `every player connected again through /${survivor}/`,
      describe: () => players.map((r) => ({ status: r.session.status, url: r.session.socketUrl, statuses: r.statuses })),
    });
    for (const r of players) expect(r.statuses).toContain("moving");
  });
});
