import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Steering } from "../../client/input/Steering.ts";

/**
 * Steering from plain DOM events, without a browser: the surface and the window are bare
 * EventTargets, the events carry the fields Steering reads. (The browser tests drive the same
 * class through real mouse and touch events.)
 */
type Fields = { pointerId?: number; pointerType?: string; clientX?: number; clientY?: number; button?: number };

function fire(target: EventTarget, type: string, fields: Fields = {}): void {
  const event = Object.assign(new Event(type, { cancelable: true }), { pointerId: 1, pointerType: "mouse", button: 0, ...fields });
  target.dispatchEvent(event);
}

describe("Steering", () => {
  let surface: EventTarget & { setPointerCapture?: () => void };
  let steering: Steering;
  const saved = { window: globalThis.window, document: globalThis.document, HTMLElement: globalThis.HTMLElement };

  beforeEach(() => {
    Object.assign(globalThis, { window: new EventTarget(), document: { activeElement: null }, HTMLElement: class {} });
    surface = new EventTarget();
    steering = new Steering(surface as unknown as HTMLElement, () => false);
  });

  afterEach(() => {
    steering.dispose();
    Object.assign(globalThis, saved);
  });

  it("swims at full speed toward a held pointer, however near or far beyond the dead zone", () => {
    for (const distance of [20, 60, 150, 600]) {
      fire(surface, "pointerdown", { clientX: 100 + distance, clientY: 100 });
      const steer = steering.compute(100, 100, 0);
      expect(steer.thrust).toBe(1);
      expect(steer.angle).toBeCloseTo(0, 9);
      fire(surface, "pointerup");
    }
  });

  it("neither swims nor turns with the pointer on the tadpole itself (the dead zone)", () => {
    fire(surface, "pointerdown", { clientX: 105, clientY: 103 });
    expect(steering.compute(100, 100, 2)).toEqual({ angle: 2, thrust: 0 });
  });

  it("faces a hovering mouse at rest; a finger does not hover; leaving the pond ends it", () => {
    fire(surface, "pointermove", { clientX: 100, clientY: 300 });
    expect(steering.compute(100, 100, 0)).toEqual({ angle: Math.PI / 2, thrust: 0 });
    fire(surface, "pointerleave");
    expect(steering.compute(100, 100, 0.5)).toEqual({ angle: 0.5, thrust: 0 });
    fire(surface, "pointermove", { pointerType: "touch", clientX: 100, clientY: 300 });
    expect(steering.compute(100, 100, 0.5)).toEqual({ angle: 0.5, thrust: 0 });
  });

  it("arrow keys swim at full thrust, and win over a hovering mouse", () => {
    fire(surface, "pointermove", { clientX: 100, clientY: 300 });
    const key = Object.assign(new Event("keydown", { cancelable: true }), { code: "ArrowLeft" });
    window.dispatchEvent(key);
    expect(steering.compute(100, 100, 0)).toEqual({ angle: Math.PI, thrust: 1 });
  });

  it("tells onSwim listeners of frames that swim, not of a hovering mouse or a press on the tadpole", () => {
    let strokes = 0;
    const stop = steering.onSwim(() => strokes++);
    fire(surface, "pointermove", { clientX: 100, clientY: 300 });
    steering.compute(100, 100, 0);
    fire(surface, "pointerdown", { clientX: 104, clientY: 102 });
    steering.compute(100, 100, 0);
    expect(strokes).toBe(0);
    fire(surface, "pointermove", { clientX: 300, clientY: 100 });
    steering.compute(100, 100, 0);
    steering.compute(100, 100, 0);
    expect(strokes).toBe(2);
    stop();
    steering.compute(100, 100, 0);
    expect(strokes).toBe(2);
  });
});
