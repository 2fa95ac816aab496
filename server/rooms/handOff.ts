import { randomBytes } from "node:crypto";
import { LocalPresence, type Presence } from "@colyseus/core";
import { MAX_MASS } from "../../shared/growth.ts";

/**
 * What a player takes along when its pond's process shuts down (SIGTERM: the pond closes and its
 * players join ponds on the other processes): its size. The closing room leaves each player's
 * mass in the cluster's Presence (Redis) under a random one-time token it sends that player; the
 * player's next join hands the token back, and the pond it lands in claims the mass. A token is
 * 128 random bits, lives CARRY_TTL_SECONDS, and a claim pops it (LPOP: atomic across processes),
 * so a size cannot be claimed twice, guessed, or farmed by reconnecting.
 */

/** How long a carried size waits for its player's next join (s). */
export const CARRY_TTL_SECONDS = 60;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

function keyOf(token: string): string {
  return `pond:carry:${token}`;
}

/**
 * Whether carries can go anywhere: alone (in-memory presence) a shutting-down process takes its
 * presence with it, and its players have no other process to land on.
 */
export function canCarry(presence: Presence): boolean {
  return !(presence instanceof LocalPresence);
}

/** Leaves `mass` for the player's next join; resolves to the token to send it. */
export async function leaveCarry(presence: Presence, mass: number): Promise<string> {
  const token = randomBytes(16).toString("base64url");
  const key = keyOf(token);
  await presence.rpush(key, String(mass));
  await presence.expire(key, CARRY_TTL_SECONDS);
  return token;
}

/** The mass a join's `carry` option brings (0 for none, malformed, used or expired). */
export async function claimCarry(presence: Presence, token: unknown): Promise<number> {
  if (typeof token !== "string" || !TOKEN.test(token)) return 0;
  const value = await presence.lpop(keyOf(token));
  const mass = Number(value);
  return Number.isInteger(mass) && mass > 0 && mass <= MAX_MASS ? mass : 0;
}
