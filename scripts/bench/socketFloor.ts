/**
 * The socket floor: what one core spends on nothing but WebSocket traffic shaped like the game's
 * at N players (one frame down to every client and one input up from every client per tick),
 * with no game, no Colyseus and no encoding. It bounds from below what the real server can reach
 * with Node and `ws` on this machine (docs/benchmarks/load.md, "The socket floor").
 * `tsx scripts/bench/socketFloor.ts --help` lists the options.
 *
 * The server runs in this process pinned to CPU 0, the clients in a child pinned to CPU 1 (when
 * taskset exists); everything is on 127.0.0.1 and stops by itself.
 */
import { execFileSync, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WebSocket, WebSocketServer } from "ws";
import { commandLine, readFlags, usage } from "../../kit/args.ts";
import { delay } from "../../kit/waitFor.ts";

const FLAGS = {
  clients: { type: "number", min: 0, max: 1e6, default: 1000, help: "sockets" },
  seconds: { type: "number", min: 0, max: 1e6, default: 15, help: "measured window" },
  down: { type: "number", min: 0, max: 1e6, arg: "bytes", default: 230, help: "frame sent to every client per tick" },
  up: { type: "number", min: 0, max: 1e6, arg: "bytes", default: 12, help: "input every client sends per tick" },
  rate: { type: "number", min: 0, max: 1e6, arg: "Hz", default: 20, help: "ticks per second" },
  // Internal: how the server half starts the clients' half.
  role: { type: "string" }, url: { type: "string" },
} as const;
const o = commandLine("socketFloor", usage("tsx scripts/bench/socketFloor.ts [options]", FLAGS), (argv) => readFlags(argv, FLAGS));

/** Pins `pid` to `cpu` if it can: without taskset, or on one CPU, unpinned figures are still figures, just noisier. */
function pin(pid: number, cpu: string): void {
  try { execFileSync("taskset", ["-pc", cpu, String(pid)], { stdio: "ignore" }); } catch { /* not pinned */ }
}

/** The clients' side: N sockets, one shared timer sending each an input per tick. */
async function runClients(url: string): Promise<void> {
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
  setTimeout(() => process.exit(0), (o.seconds + 120) * 1000).unref();
  process.on("disconnect", () => process.exit(0));
  process.on("message", () => {
    clearInterval(timer);
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

async function runServer(): Promise<void> {
  pin(process.pid, "0");
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const sockets: WebSocket[] = [];
  let received = 0;
  server.on("connection", (ws) => {
    sockets.push(ws);
    ws.on("message", () => { received++; });
  });
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  const child = fork(fileURLToPath(import.meta.url), ["--role", "clients", "--url", url, ...process.argv.slice(2)], { execArgv: ["--import", "tsx"] });
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

  await delay(1000); // warm up, then measure
  const [sent0, received0, cpu0, t0] = [sent, received, process.cpuUsage(), performance.now()];
  await delay(o.seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = cpu.user + cpu.system;
  const wall = performance.now() - t0;
  const [out, into] = [sent - sent0, received - received0];
  clearInterval(tick);
  child.send("stop");
  await new Promise((resolve) => child.once("exit", resolve));
  server.close();
  console.log(JSON.stringify({
    clients: sockets.length, rate: o.rate, downBytes: o.down, upBytes: o.up,
    cpuPercent: Math.round((cpuUs / 1000 / wall) * 1000) / 10,
    framesOutPerSecond: Math.round((out * 1000) / wall),
    framesInPerSecond: Math.round((into * 1000) / wall),
    microsecondsPerFrame: Math.round((cpuUs / Math.max(1, out + into)) * 10) / 10,
  }));
}

if (o.role === "clients") await runClients(String(o.url));
else await runServer();
