import { describe, expect, it } from "vitest";
import type * as Phaser from "phaser";
import { Particles } from "../../client/render/Particles.ts";

interface FakeBob {
  x: number;
  y: number;
  alpha: number;
}

/**
 * Just enough of a Phaser scene for the specks: textures that already exist, and blitters that
 * hand out plain bobs, so the test reads where each speck is placed and how bright.
 */
function fakeScene(): { scene: Phaser.Scene; bobs: FakeBob[][] } {
  const bobs: FakeBob[][] = [];
  const scene = {
    textures: { exists: () => true },
    add: {
      blitter: () => {
        const layer: FakeBob[] = [];
        bobs.push(layer);
        const blitter = {
          setDepth: () => blitter,
          clear: () => void layer.splice(0),
          create: () => {
            const bob = { x: 0, y: 0, alpha: 1 };
            layer.push(bob);
            return bob;
          },
        };
        return blitter;
      },
    },
  } as unknown as Phaser.Scene;
  return { scene, bobs };
}

function copy(bobs: FakeBob[][]): FakeBob[][] {
  return bobs.map((layer) => layer.map((b) => ({ ...b })));
}

/**
 * For each speck, its move in the world between two placements, with wraps (a speck leaving
 * one side of the screen's tile reappears on the other) left out.
 */
function moves(before: FakeBob[][], after: FakeBob[][], tileW: number): number[][] {
  return before.map((layer, l) => layer.map((b, i) => after[l][i].x - b.x).filter((dx) => Math.abs(dx) < tileW / 2));
}

describe("the specks", () => {
  const W = 1280;
  const H = 720;

  it("drift, twinkle and move with parallax when motion is allowed", () => {
    const { scene, bobs } = fakeScene();
    const particles = new Particles(scene);
    particles.layout(W, H);
    particles.update(0, 0, 10, false);
    const first = copy(bobs);
    particles.update(0, 0, 12, false);
    // Over 2 s with the camera still, specks drift and twinkle.
    expect(moves(first, bobs, W).flat().some((dx) => Math.abs(dx) > 1)).toBe(true);
    expect(first.flat().some((b, i) => Math.abs(b.alpha - bobs.flat()[i].alpha) > 0.01)).toBe(true);
    // The camera moves 100 units at one instant: the far layer slides only 30 units across the
    // screen (parallax 0.3), so in the world it goes 70 units along with the camera.
    particles.update(0, 0, 12, false);
    const still = copy(bobs);
    particles.update(100, 0, 12, false);
    const far = moves(still, bobs, W)[0];
    expect(far.length).toBeGreaterThan(10);
    for (const dx of far) expect(dx).toBeCloseTo(100 * (1 - 0.3), 6);
  });

  it("with reduced motion sit still in the water: no drift, no twinkle, no parallax", () => {
    const { scene, bobs } = fakeScene();
    const particles = new Particles(scene);
    particles.layout(W, H);
    particles.update(0, 0, 10, true);
    const first = copy(bobs);
    particles.update(0, 0, 30, true);
    expect(bobs).toEqual(first);
    // The camera moves: every speck keeps its place in the world (or wraps out of sight).
    particles.update(100, -60, 30, true);
    for (const layer of moves(first, bobs, W)) {
      expect(layer.length).toBeGreaterThan(5);
      for (const dx of layer) expect(dx).toBe(0);
    }
  });
});
