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
import { PondConnection } from "../../client/net/PondConnection.ts";
import type { Steer } from "../../shared/input.ts";
import { FrameTicker } from "../bot/ticker.ts";
import { orbitSteer, ringRadius } from "./orbit.ts";

function option(name: string, fallback: number): number;
function option(name: string, fallback: string): string;
function option(name: string, fallback: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  if (raw === undefined) return fallback;
  if (typeof fallback === "string") return raw;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    console.error(`[bench-bots] --${name} must be a number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const url = option("url", "ws://127.0.0.1:2567");
const count = Math.max(1, Math.min(1000, Math.round(option("count", 200))));
const spread = Math.max(60, option("spread", 300));
const centreX = option("centre-x", 0);
const centreY = option("centre-y", 0);
const joinRate = Math.max(1, option("join-rate", 25));
const thrust = Math.min(1, Math.max(0, option("thrust", 0.35)));
const maxSeconds = Math.max(5, option("max-seconds", 900));

// The SDK warns on every dropped connection; one summary line is enough here.
const sdkWarn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (typeof parts[0] === "string" && parts[0].startsWith("Room connection was closed unexpectedly")) return;
  sdkWarn(...parts);
};

interface Swimmer {
  conn: PondConnection;
  radius: number;
  clockwise: boolean;
  steer: Steer;
}

const ticker = new FrameTicker(30);
const swimmers: Swimmer[] = [];
let failed = 0;
let dropped = 0;
let stopping = false;

ticker.add((now) => {
  for (const s of swimmers) {
    const self = s.conn.self;
    if (self) orbitSteer(self.x, self.y, centreX, centreY, s.radius, thrust, s.clockwise, s.steer);
    s.conn.frame(now, s.steer);
  }
});

async function joinOne(i: number): Promise<void> {
  try {
    const conn = await PondConnection.join({ url, name: `bot${i + 1}` }, {
      onLeave: () => {
        if (!stopping) dropped++;
      },
    });
    if (stopping) {
      await conn.leave().catch(() => undefined);
      return;
    }
    swimmers.push({ conn, radius: ringRadius(i, count, 40, spread), clockwise: i % 2 === 0, steer: { angle: 0, thrust: 0 } });
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
  console.log(`[bench-bots] ready ${swimmers.length}`);
}

const status = setInterval(() => {
  console.log(`[bench-bots] connected ${swimmers.length - dropped}/${count}, dropped ${dropped}, failed ${failed}`);
}, 5000);
const deadline = setTimeout(() => void stop("max-seconds reached"), maxSeconds * 1000);

async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(status);
  clearTimeout(deadline);
  ticker.stop();
  console.log(`[bench-bots] ${reason}: leaving ${swimmers.length} room(s)`);
  await Promise.race([
    Promise.all(swimmers.map((s) => s.conn.leave().catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(`${signal} received`));
void main();
