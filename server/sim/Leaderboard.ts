import { Leader, type PondState } from "../../shared/state.ts";

/** Places on the leaderboard. */
export const LEADERBOARD_SIZE = 5;

/** What the leaderboard reads of a member. */
export interface Ranked {
  readonly tadpole: { readonly name: string };
  readonly mass: number;
  /** The fixed step its mass last changed: of two as large, the one that got there first ranks higher. */
  readonly massTick: number;
}

/** Larger first; then whoever reached that size first; then by name, so the order is total. */
export function compareRanked(a: Ranked, b: Ranked): number {
  if (a.mass !== b.mass) return b.mass - a.mass;
  if (a.massTick !== b.massTick) return a.massTick - b.massTick;
  return a.tadpole.name < b.tadpole.name ? -1 : a.tadpole.name > b.tadpole.name ? 1 : 0;
}

/**
 * The pond's largest (mass > 0), at most `size` of them, largest first. One pass keeping the best
 * `size` in order: members × size comparisons, for a once-a-second timer.
 */
export function topRanked<R extends Ranked>(members: readonly R[], size: number, out: R[]): R[] {
  out.length = 0;
  for (const member of members) {
    if (member.mass <= 0) continue;
    if (out.length === size && compareRanked(member, out[size - 1]) >= 0) continue;
    let i = out.length < size ? out.length : size - 1;
    out[i] = member;
    while (i > 0 && compareRanked(out[i], out[i - 1]) < 0) {
      const swap = out[i - 1];
      out[i - 1] = out[i];
      out[i] = swap;
      i--;
    }
  }
  return out;
}

/**
 * Writes the leaderboard into the state, changing only what changed (each place keeps its Leader,
 * so a place whose holder and size stay costs nothing), and raises the pond's best when someone
 * passed it (a tie keeps the one who got there first).
 */
export function writeLeaders(state: PondState, top: readonly Ranked[]): void {
  const leaders = state.leaders;
  while (leaders.length > top.length) leaders.pop();
  for (let i = 0; i < top.length; i++) {
    let place = leaders.at(i);
    if (place === undefined) {
      place = new Leader();
      leaders.push(place);
    }
    if (place.name !== top[i].tadpole.name) place.name = top[i].tadpole.name;
    if (place.mass !== top[i].mass) place.mass = top[i].mass;
  }
  const first = top[0];
  if (first === undefined) return;
  const best = state.best ?? (state.best = new Leader());
  if (first.mass > (best.mass ?? 0)) {
    best.name = first.tadpole.name;
    best.mass = first.mass;
  }
}
