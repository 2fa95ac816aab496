/**
 * The socket floor: what one core spends on nothing but WebSocket traffic shaped like the game's
 * at N players (one frame down to every client and one input up from every client per tick),
 * with no game, no Colyseus and no encoding. It bounds from below what the real server can reach
 * with Node and `ws` on this machine (docs/benchmarks/load.md, "The socket floor").
 *
 *   tsx scripts/bench/socketFloor.ts [--clients 1000] [--seconds 15] [--down 230] [--up 12] [--rate 20]
 *
 * The server runs in this process pinned to CPU 0, the clients in a child pinned to CPU 1 (when
 * taskset exists); everything is on 127.0.0.1 and stops by itself.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { WebSocket, WebSocketServer } from "ws";

interface Options {
  clients: number;
  seconds: number;
  down: number;
  up: number;
  rate: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      clients: { type: "string", default: "1000" },
      seconds: { type: "string", default: "15" },
      down: { type: "string", default: "230" },
      up: { type: "string", default: "12" },
      rate: { type: "string", default: "20" },
      role: { type: "string" },
      url: { type: "string" },
    },
  });
  const number = (name: keyof Options, raw: string | undefined) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0, got ${raw}`);
    return value;
  };
  return {
    clients: number("clients", values.clients),
    seconds: number("seconds", values.seconds),
    down: number("down", values.down),
    up: number("up", values.up),
    rate: number("rate", values.rate),
  };
}

function pin(pid: number, cpu: string): void {
  try {
    execFileSync("taskset", ["-pc", cpu, String(pid)], { stdio: "ignore" });
  } catch {
    // No taskset, or one CPU: unpinned figures are still figures, just noisier.
  }
}

/** The clients' side: N sockets, one shared timer sending each an input per tick. */
async function runClients(url: string, o: Options): Promise<void> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < o.clients; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on("message", () => {});
    await new Promise<void>((resolve, reject) => { ws.once("open", () => resolve()); ws.once("error", reject); });
    sockets.push(ws);
  }
  const input = Buffer.alloc(o.up, 7);
  const timer = o.up > 0 && o.rate > 0 ? setInterval(() => { for (const ws of sockets) ws.send(input); }, 1000 / o.rate) : undefined;
  process.send?.({ ready: true });
  // Bounded: the parent says when to stop, and the child leaves on its own if the parent is gone.
  const deadline = setTimeout(() => process.exit(0), (o.seconds + 120) * 1000);
  process.on("disconnect", () => process.exit(0));
  process.on("message", () => {
    if (timer) clearInterval(timer);
    clearTimeout(deadline);
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

async function runServer(o: Options): Promise<void> {
  pin(process.pid, "0");
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const port = (server.address() as { port: number }).port;
  const sockets: WebSocket[] = [];
  let received = 0;
  server.on("connection", (ws) => {
    sockets.push(ws);
    ws.on("message", () => { received++; });
  });

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--role", "clients", "--url", `ws://127.0.0.1:${port}`, ...process.argv.slice(2)], {
    execArgv: ["--import", "tsx"],
  });
  pin(child.pid!, "1");
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the clients exited early (${code})`)));
  });

  // Downstream: a fresh buffer per client per tick, as the game frames one per client.
  let sent = 0;
  const tick = o.down > 0 && o.rate > 0 ? setInterval(() => {
    for (const ws of sockets) {
      const frame = Buffer.allocUnsafe(o.down);
      frame[0] = 0;
      ws.send(frame);
      sent++;
    }
  }, 1000 / o.rate) : undefined;

  // Warm up for a second, then measure.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sent0 = sent;
  const received0 = received;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, o.seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const result = {
    clients: sockets.length,
    rate: o.rate,
    downBytes: o.down,
    upBytes: o.up,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    framesOutPerSecond: Math.round(((sent - sent0) * 1000) / wall),
    framesInPerSecond: Math.round(((received - received0) * 1000) / wall),
    microsecondsPerFrame: Math.round(((cpu.user + cpu.system) / Math.max(1, sent - sent0 + received - received0)) * 10) / 10,
  };
  if (tick) clearInterval(tick);
  child.send("stop");
  await new Promise((resolve) => child.once("exit", resolve));
  server.close();
  console.log(JSON.stringify(result));
}

const o = options();
const role = parseArgs({ options: { role: { type: "string" } }, strict: false }).values.role;
if (role === "clients") {
  const url = parseArgs({ options: { url: { type: "string" } }, strict: false }).values.url;
  await runClients(String(url), o);
} else {
  await runServer(o);
}
