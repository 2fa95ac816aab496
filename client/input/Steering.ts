import type { Steer } from "../../shared/input.ts";

/** Pointer distance (CSS px) from your tadpole at which thrust reaches 1. */
const FULL_THRUST_DISTANCE = 150;

const KEY_DIRS: Record<string, "up" | "down" | "left" | "right"> = {
  ArrowUp: "up", KeyW: "up",
  ArrowDown: "down", KeyS: "down",
  ArrowLeft: "left", KeyA: "left",
  ArrowRight: "right", KeyD: "right",
};

/** True when the event is aimed at a text field (typing must never steer). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/**
 * Turns what the player does into a steer. Hold the mouse or a finger on the pond to swim toward
 * it (harder the farther it is from your tadpole, full beyond 150 px); or arrows / WASD at full
 * thrust. Plain DOM events, so it knows nothing of Phaser; `compute` writes into one reused
 * object every frame.
 */
export class Steering {
  private readonly steer: Steer = { angle: 0, thrust: 0 };
  private pointerId: number | null = null;
  private pointerX = 0;
  private pointerY = 0;
  private up = false;
  private down = false;
  private left = false;
  private right = false;
  private readonly off: Array<() => void> = [];

  constructor(private readonly surface: HTMLElement, private readonly typing: () => boolean) {
    const on = <K extends keyof HTMLElementEventMap>(el: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void): void => {
      el.addEventListener(type, fn);
      this.off.push(() => el.removeEventListener(type, fn));
    };
    const onWindow = <K extends keyof WindowEventMap>(type: K, fn: (e: WindowEventMap[K]) => void): void => {
      window.addEventListener(type, fn);
      this.off.push(() => window.removeEventListener(type, fn));
    };

    on(surface, "pointerdown", (e) => {
      if (this.pointerId !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
      this.pointerId = e.pointerId;
      this.pointerX = e.clientX;
      this.pointerY = e.clientY;
      // Keep receiving moves even when the finger slides over a bubble or leaves the canvas.
      surface.setPointerCapture?.(e.pointerId);
      // Tapping the pond takes focus away from any text field (closes the phone keyboard).
      if (document.activeElement instanceof HTMLElement && isTypingTarget(document.activeElement)) {
        document.activeElement.blur();
      }
      e.preventDefault();
    });
    on(surface, "pointermove", (e) => {
      if (e.pointerId !== this.pointerId) return;
      this.pointerX = e.clientX;
      this.pointerY = e.clientY;
    });
    const release = (e: PointerEvent): void => {
      if (e.pointerId === this.pointerId) this.pointerId = null;
    };
    on(surface, "pointerup", release);
    on(surface, "pointercancel", release);
    on(surface, "lostpointercapture", release);
    on(surface, "contextmenu", (e) => e.preventDefault());

    onWindow("keydown", (e) => {
      const dir = KEY_DIRS[e.code];
      if (!dir || this.typing() || isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      this[dir] = true;
      e.preventDefault();
    });
    onWindow("keyup", (e) => {
      const dir = KEY_DIRS[e.code];
      if (dir) this[dir] = false;
    });
    // Keys released while the window was unfocused would otherwise stick.
    onWindow("blur", () => this.releaseAll());
  }

  /** Lets go of every key and the pointer (e.g. when the chat box opens). */
  releaseAll(): void {
    this.up = this.down = this.left = this.right = false;
    this.pointerId = null;
  }

  /** Whether the player is holding the pointer on the pond. */
  get pointerHeld(): boolean {
    return this.pointerId !== null;
  }

  /**
   * This frame's steer. (ownX, ownY) is your tadpole's position on screen in CSS px and
   * `ownAngle` its heading, kept when nothing steers.
   */
  compute(ownX: number, ownY: number, ownAngle: number): Steer {
    const s = this.steer;
    const vx = (this.right ? 1 : 0) - (this.left ? 1 : 0);
    const vy = (this.down ? 1 : 0) - (this.up ? 1 : 0);
    if (!this.typing() && (vx !== 0 || vy !== 0)) {
      s.angle = Math.atan2(vy, vx);
      s.thrust = 1;
      return s;
    }
    if (this.pointerId !== null) {
      const dx = this.pointerX - ownX;
      const dy = this.pointerY - ownY;
      const dist = Math.sqrt(dx * dx + dy * dy);
      if (dist >= 2) {
        s.angle = Math.atan2(dy, dx);
        s.thrust = Math.min(1, dist / FULL_THRUST_DISTANCE);
        return s;
      }
    }
    s.angle = ownAngle;
    s.thrust = 0;
    return s;
  }

  dispose(): void {
    for (const off of this.off.splice(0)) off();
  }
}
