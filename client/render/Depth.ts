/** Draw order of the world camera's objects (higher draws later, on top). */
export const Depth = {
  motesFar: 1,
  pondEdge: 2,
  motesMid: 3,
  /** Food: under every tadpole, over the far water. */
  food: 5,
  tail: 10,
  head: 11,
  /** A frog's eyes, on its head. */
  eyes: 11.5,
  ownTail: 12,
  ownHead: 13,
  ownEyes: 13.5,
  label: 20,
  motesNear: 30,
  /** The HUD camera's objects. */
  hud: 100,
} as const;
