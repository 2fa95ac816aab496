/**
 * mulberry32, the one seeded PRNG of the project: bots, benchmarks, the soak, the fuzz tests and
 * the simulated network all draw from it so any run can be replayed from its seed. Small and fast;
 * not for anything that needs to be unpredictable.
 */
export type Rng = () => number;

/** A generator of uniform numbers in [0, 1), fully determined by `seed` (taken as uint32). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform number in [min, max). */
export function between(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

/** One element of a non-empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
