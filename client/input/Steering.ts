import type { Steer } from "../../shared/input.ts";

/**
 * A pointer closer than this to your tadpole (CSS px) neither swims nor turns it: a finger resting
 * on the tadpole would otherwise spin it. Beyond it, the tadpole swims at full speed, however far
 * the pointer is, as in the original.
 */
const DEAD_ZONE = 12;

/**
 * The arrow keys swim. Letters are for chat (type anywhere: ui/ChatBox.ts), as in the original,
 * so WASD does not steer.
 */
const KEY_DIRS: Record<string, "up" | "down" | "left" | "right"> = {
  ArrowUp: "up",
  ArrowDown: "down",
  ArrowLeft: "left",
  ArrowRight: "right",
};

/** True when the event is aimed at a text field (typing must never steer). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

/**
 * Turns what the player does into a steer. Hold the mouse or a finger on the pond to swim toward
 * it at full speed, or the arrow keys; with the mouse merely over the pond, your tadpole turns to
 * face it, at rest (a finger gives no such hint). Plain DOM events, so it knows nothing of Phaser;
 * `compute` writes into one reused object every frame.
 *
 * Swimming goes on while you type a chat line: the pointer keeps steering, and so does an
 * arrow key held from before the line began. An arrow pressed while a line is open
 * (`keysTaken()`) or in a text field belongs to the text (↑/↓ step through chat history).
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
  /** Where the mouse is over the pond, pressed or not (the tadpole faces it at rest). */
  private hovering = false;
  private hoverX = 0;
  private hoverY = 0;
  private readonly swimListeners = new Set<() => void>();

  constructor(private readonly surface: HTMLElement, private readonly keysTaken: () => boolean) {
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
      // Tapping the pond takes focus away from any text field (closes the phone keyboard). A
      // chat line being typed stays open (ChatBox keeps the draft; typing on continues it).
      if (document.activeElement instanceof HTMLElement && isTypingTarget(document.activeElement)) {
        document.activeElement.blur();
      }
      e.preventDefault();
    });
    on(surface, "pointermove", (e) => {
      if (e.pointerType === "mouse") {
        this.hovering = true;
        this.hoverX = e.clientX;
        this.hoverY = e.clientY;
      }
      if (e.pointerId !== this.pointerId) return;
      this.pointerX = e.clientX;
      this.pointerY = e.clientY;
    });
    on(surface, "pointerleave", (e) => {
      if (e.pointerType === "mouse") this.hovering = false;
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
      if (!dir || this.keysTaken() || isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
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

  /** Lets go of every key and the pointer (e.g. when the window loses focus). */
  releaseAll(): void {
    this.up = this.down = this.left = this.right = false;
    this.pointerId = null;
  }

  /** Calls `listener` on every frame that swims (steers with thrust); returns a function that stops it. */
  onSwim(listener: () => void): () => void {
    this.swimListeners.add(listener);
    return () => this.swimListeners.delete(listener);
  }

  /**
   * This frame's steer. (ownX, ownY) is your tadpole's position on screen in CSS px and
   * `ownAngle` its heading, kept when nothing steers.
   */
  compute(ownX: number, ownY: number, ownAngle: number): Steer {
    const s = this.decide(ownX, ownY, ownAngle);
    if (s.thrust > 0) for (const listener of this.swimListeners) listener();
    return s;
  }

  private decide(ownX: number, ownY: number, ownAngle: number): Steer {
    const s = this.steer;
    const vx = (this.right ? 1 : 0) - (this.left ? 1 : 0);
    const vy = (this.down ? 1 : 0) - (this.up ? 1 : 0);
    if (vx !== 0 || vy !== 0) {
      s.angle = Math.atan2(vy, vx);
      s.thrust = 1;
      return s;
    }
    const held = this.pointerId !== null;
    if (held || this.hovering) {
      const dx = (held ? this.pointerX : this.hoverX) - ownX;
      const dy = (held ? this.pointerY : this.hoverY) - ownY;
      if (dx * dx + dy * dy >= DEAD_ZONE * DEAD_ZONE) {
        s.angle = Math.atan2(dy, dx);
        s.thrust = held ? 1 : 0;
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
