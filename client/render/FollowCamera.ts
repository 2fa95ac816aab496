/**
 * The camera as the original pond had it, made frame-rate independent: it follows your tadpole
 * lazily (about 0.9 s behind) and breathes with your speed (closer at rest, wider when you swim
 * fast). Plain numbers, no Phaser: PondScene applies `x`, `y` and the zoom to its camera.
 *
 * The original ran a 30 ms frame and moved by fixed fractions per frame; `1 − (1 − f)^(dt / 30 ms)`
 * is the same easing for any frame length, written here as `1 − exp(−rate · dt)`.
 * docs/feel.md lists each constant beside the original's.
 */

/** The original's frame length, s. */
const ORIGINAL_FRAME = 0.03;

/** Follow: the original moved the camera (target − camera)/30 per frame: ≈ 1.13 /s (0.88 s time constant). */
export const FOLLOW_RATE = -Math.log(1 - 1 / 30) / ORIGINAL_FRAME;

/** Zoom: the original eased it (target − zoom)/60 per frame: ≈ 0.56 /s (1.8 s time constant). */
export const ZOOM_RATE = -Math.log(1 - 1 / 60) / ORIGINAL_FRAME;

/**
 * Zoom factors over the screen's base zoom (Viewport.viewZoom). The original went from 1.8 at
 * rest to 1.3 at full speed in its own units; ours keep the full-speed view as it was before
 * the camera breathed (factor 1) and the original's ratio for rest: 1.8 / 1.3 ≈ 1.38 times closer.
 */
export const ZOOM_FULL_SPEED = 1;
export const ZOOM_AT_REST = ZOOM_FULL_SPEED * (1.8 / 1.3);
/** The widest the view gets (the smallest factor): what the specks are laid out for. */
export const ZOOM_WIDEST = Math.min(ZOOM_FULL_SPEED, ZOOM_AT_REST);

/**
 * How far ahead of the screen's centre the camera lets your tadpole get, as a fraction of the
 * half screen on each axis. At full speed the trail alone would be 0.88 s of swimming (~130
 * units at 150 u/s), a good part of a phone's half width, and a tadpole that swam up to a finger
 * held still would stop under it (input/Steering.ts's dead zone). Clamped at 35 %, your tadpole
 * stays in the middle of the screen, well short of a finger at a phone's edge.
 */
export const MAX_LAG_FRACTION = 0.35;

export class FollowCamera {
  /** World point at the screen centre. */
  x = 0;
  y = 0;
  /** Zoom factor over the base zoom (CSS px per world unit = base zoom × this). */
  zoom = ZOOM_FULL_SPEED;
  private settled = false;

  /** Jump to the next target at once (a new own tadpole), with the zoom it asks for. */
  reset(): void {
    this.settled = false;
  }

  /** The zoom factor for a speed (fraction of full speed, 0..1); `still` (reduced motion) holds it at the full-speed view. */
  static targetZoom(speedFraction: number, still: boolean): number {
    if (still) return ZOOM_FULL_SPEED;
    const f = speedFraction < 0 ? 0 : speedFraction > 1 ? 1 : speedFraction;
    return ZOOM_AT_REST + (ZOOM_FULL_SPEED - ZOOM_AT_REST) * f;
  }

  /**
   * One frame of `dt` seconds following (targetX, targetY), your tadpole swimming at
   * `speedFraction` of full speed. `baseZoom` is CSS px per world unit at factor 1 and
   * (halfCssW, halfCssH) the half screen in CSS px, for the lag clamp. `still` (the player
   * prefers reduced motion): no breathing, the zoom stays at the full-speed view; it still follows.
   */
  update(dt: number, targetX: number, targetY: number, speedFraction: number, still: boolean, baseZoom: number, halfCssW: number, halfCssH: number): void {
    const wanted = FollowCamera.targetZoom(speedFraction, still);
    if (!this.settled) {
      this.settled = true;
      this.x = targetX;
      this.y = targetY;
      this.zoom = wanted;
      return;
    }
    this.zoom = still ? wanted : this.zoom + (wanted - this.zoom) * (1 - Math.exp(-ZOOM_RATE * dt));
    const a = 1 - Math.exp(-FOLLOW_RATE * dt);
    this.x += (targetX - this.x) * a;
    this.y += (targetY - this.y) * a;
    const scale = baseZoom * this.zoom;
    const maxDx = (halfCssW / scale) * MAX_LAG_FRACTION;
    const maxDy = (halfCssH / scale) * MAX_LAG_FRACTION;
    if (this.x < targetX - maxDx) this.x = targetX - maxDx;
    else if (this.x > targetX + maxDx) this.x = targetX + maxDx;
    if (this.y < targetY - maxDy) this.y = targetY - maxDy;
    else if (this.y > targetY + maxDy) this.y = targetY + maxDy;
  }
}
