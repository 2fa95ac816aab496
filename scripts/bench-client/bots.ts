/**
 * Bots for the client benchmark, in their own process (so their CPU is not the page's):
 *
 *   tsx scripts/bench-client/bots.ts --url ws://127.0.0.1:PORT --count 200 --spread 300 \
 *       [--centre-x 0 --centre-y 0] [--join-rate 25] [--thrust 0.35] [--max-seconds 900]
 *
 * Each bot joins through the game's own net layer and circles (centre-x, centre-y) on a ring
 * between 40 units and --spread, so all of them stay in view of a player at that point and keep
 * moving. Prints `[bench-bots] ready N` once all have joined, a status line every 5 s, and
 * leaves every room on SIGTERM/SIGINT or after --max-seconds (it always stops by itself).
 */
import { Player } from "../../kit/player/player.ts";
import { FrameTicker } from "../../kit/player/ticker.ts";
import { orbitSteer, ringRadius } from "../../kit/player/orbit.ts";
import { commandLine, readFlags } from "../../kit/args.ts";

const number = { type: "number", min: -1e9, max: 1e9 } as const;
const flags = commandLine("bench-bots", "usage: see scripts/bench-client/bots.ts", (argv) => readFlags(argv, {
  url: { type: "string" }, count: number, spread: number, "centre-x": number, "centre-y": number, "join-rate": number, thrust: number, "max-seconds": number,
}));
const url = flags.url ?? "ws://127.0.0.1:2567";
const count = Math.max(1, Math.min(1000, Math.round(flags.count ?? 200)));
const spread = Math.max(60, flags.spread ?? 300);
const centreX = flags["centre-x"] ?? 0;
const centreY = flags["centre-y"] ?? 0;
const joinRate = Math.max(1, flags["join-rate"] ?? 25);
const thrust = Math.min(1, Math.max(0, flags.thrust ?? 0.35));
const maxSeconds = Math.max(5, flags["max-seconds"] ?? 900);

// The SDK warns on every dropped connection; one summary line is enough here.
const sdkWarn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (typeof parts[0] === "string" && parts[0].startsWith("Room connection was closed unexpectedly")) return;
  sdkWarn(...parts);
};

const ticker = new FrameTicker(30);
const players: Player[] = [];
let failed = 0;
let dropped = 0;
let stopping = false;

async function joinOne(i: number): Promise<void> {
  try {
    const player = await Player.join(url, { name: `bot${i + 1}`, timeoutMs: Infinity, events: { onLeave: () => { if (!stopping) dropped++; } } });
    if (stopping) {
      await player.conn.leave().catch(() => undefined);
      return;
    }
    // Circle the centre on a ring of its own, half of them each way round.
    const radius = ringRadius(i, count, 40, spread);
    players.push(player.drive(undefined, (_now, p) => {
      const self = p.self;
      if (self) orbitSteer(self.x, self.y, centreX, centreY, radius, thrust, i % 2 === 0, p.steer);
    }, ticker));
  } catch (error) {
    failed++;
    if (failed <= 3) console.error(`[bench-bots] bot${i + 1} could not join: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  console.log(`[bench-bots] joining ${count} bot(s) to ${url}, ring radius 40..${spread} around (${centreX}, ${centreY})`);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count && !stopping; i++) {
    pending.push(joinOne(i));
    await new Promise((resolve) => setTimeout(resolve, 1000 / joinRate));
  }
  await Promise.all(pending);
  if (failed > 0) console.error(`[bench-bots] ${failed} bot(s) failed to join`);
  console.log(`[bench-bots] ready ${players.length}`);
}

const status = setInterval(() => {
  console.log(`[bench-bots] connected ${players.length - dropped}/${count}, dropped ${dropped}, failed ${failed}`);
}, 5000);
const deadline = setTimeout(() => void stop("max-seconds reached"), maxSeconds * 1000);

async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(status);
  clearTimeout(deadline);
  ticker.stop();
  console.log(`[bench-bots] ${reason}: leaving ${players.length} room(s)`);
  await Promise.race([
    Promise.all(players.map((p) => p.conn.leave().catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(`${signal} received`));
void main();
