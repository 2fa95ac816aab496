/**
 * Food and growth (docs/feel.md, "Food and growth"): the pond's water fleas, what eating them does
 * to a tadpole, and when it becomes a frog. Pure rules shared by the server (which decides every
 * eat), the client (which draws sizes and stages) and bots.
 *
 * Size never changes how a tadpole swims: the movement step stays the same for everyone, so a
 * big tadpole is no faster (nothing to chase anyone with) and no slower (growing is no penalty),
 * and prediction needs nothing new.
 */

/** Specks the server keeps in the pond by default (FOOD_COUNT overrides it; 0: no food). */
export const DEFAULT_FOOD_COUNT = 2000;

/** A speck's own radius (units): what a tadpole's head must touch. */
export const SPECK_RADIUS = 2;

/** The head's radius at level 0 (units); the client draws the head at this size. */
export const BASE_HEAD_RADIUS = 8;

/**
 * Mass is what a tadpole has eaten (one per speck, up to MAX_MASS); its level, the part everyone
 * sees, is the whole square root of it, so each level takes longer to reach than the last.
 */
export const MAX_MASS = 400;
export const MAX_LEVEL = 20;

/** A tadpole that ate nothing for this long loses one mass, and again each such period after. */
export const HUNGER_SECONDS = 20;

/** From this level a tadpole has legs; from FROG_LEVEL it is a frog (mass 64 and 144). */
export const LEGS_LEVEL = 8;
export const FROG_LEVEL = 12;

/** A tadpole's stage, as drawn. */
export const Stage = { tadpole: 0, legs: 1, frog: 2 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** The level a mass shows (0..MAX_LEVEL). */
export function levelOf(mass: number): number {
  if (!(mass > 0)) return 0;
  const level = Math.floor(Math.sqrt(Math.min(mass, MAX_MASS)));
  return level > MAX_LEVEL ? MAX_LEVEL : level;
}

export function stageOf(level: number): Stage {
  return level >= FROG_LEVEL ? Stage.frog : level >= LEGS_LEVEL ? Stage.legs : Stage.tadpole;
}

/** How much larger than at level 0 a tadpole of `level` is drawn (and reaches): 1 to 2. */
export function sizeScale(level: number): number {
  const l = level < 0 ? 0 : level > MAX_LEVEL ? MAX_LEVEL : level;
  return 1 + l / MAX_LEVEL;
}

/** How far from a tadpole's centre (its head) a speck's centre may be for it to be eaten. */
export function eatReach(level: number): number {
  return BASE_HEAD_RADIUS * sizeScale(level) + SPECK_RADIUS;
}
