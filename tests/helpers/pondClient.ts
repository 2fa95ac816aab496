import type { PondTadpole } from "../../client/net/PondConnection.ts";

/** The tests' client is the kit's headless player (kit/player/player.ts), under the name the tests use. */
export { Player as PondProbe, closeAll } from "../../kit/player/player.ts";

/** A tadpole's fields as a plain object (PondTadpole is a live view): for error messages and snapshots. */
export function plainTadpole(t: PondTadpole): { sessionId: string; id: number; name: string; hue: number; away: boolean; x: number; y: number; angle: number; speed: number };
export function plainTadpole(t: PondTadpole | undefined): { sessionId: string; id: number; name: string; hue: number; away: boolean; x: number; y: number; angle: number; speed: number } | undefined;
export function plainTadpole(t: PondTadpole | undefined) {
  if (t === undefined) return undefined;
  return { sessionId: t.sessionId, id: t.id, name: t.name, hue: t.hue, away: t.away, x: t.x, y: t.y, angle: t.angle, speed: t.speed };
}
