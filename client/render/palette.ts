import { HUE_COUNT } from "../../shared/constants.ts";

/**
 * Tadpole colours: pale tints (high lightness, soft saturation) so every tadpole still reads as
 * "a pale tadpole" like the original, with just enough colour to tell friends apart.
 */
function hsl(h: number, s: number, l: number): number {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return (f(0) << 16) | (f(8) << 8) | f(4);
}

const TINTS: readonly number[] = Array.from({ length: HUE_COUNT }, (_, i) => hsl((i * 360) / HUE_COUNT + 190, 0.62, 0.86));

/** The tint for a hue index; out-of-range indices (hostile or future) wrap instead of failing. */
export function tintFor(hue: number): number {
  const i = Number.isFinite(hue) ? Math.abs(Math.trunc(hue)) % HUE_COUNT : 0;
  return TINTS[i];
}

/** Water and interface colours, in one place so the look can be tuned together. */
export const Colors = {
  deepWater: 0x030b18,
  water: 0x0a2442,
  waterLight: 0x174a73,
  name: "#bcd6f2",
  ownName: "#ffffff",
  arrow: 0xcfe6ff,
  mapDot: 0xa9c8ea,
  mapSelf: 0xffffff,
  /** The crowd beyond your view (the radar): mini-map cells and far edge arrows, warm so they never read as a tadpole you see. */
  crowd: 0xffb35c,
  crowdText: "#ffc98a",
} as const;
