import * as Phaser from "phaser";
import { MAX_SPEED } from "../../shared/constants.ts";
import { sizeScale, Stage, stageOf } from "../../shared/growth.ts";
import type { PondTadpole } from "../net/tadpoles.ts";
import { Depth } from "./Depth.ts";
import { Colors, tintFor } from "./palette.ts";
import { HEAD_RADIUS, HEAD_TEXTURE_WORLD, TAIL_TEXTURE_SCALE, Tex } from "./Textures.ts";

/** Tail joints: enough for a smooth wave, few enough for 200 tadpoles. */
const JOINTS = 12;
const TAIL_LENGTH = 34;
const SEGMENT = TAIL_LENGTH / (JOINTS - 1);
/** How fast an idle tail straightens behind the head (1/s). */
const STRAIGHTEN = 2.2;
/** Where the name sits under the head (world units). */
const LABEL_OFFSET = HEAD_RADIUS + 5;
const LABEL_STYLE: Phaser.Types.GameObjects.Text.TextStyle = {
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontSize: "12px",
  color: Colors.name,
};

/** How transparent a tadpole whose player is reconnecting is drawn. */
const AWAY_ALPHA = 0.35;
/** An idle tadpole (its player did nothing for IDLE_FADE_SECONDS) fades to this, as in the original pond. */
const IDLE_ALPHA = 0.2;
/** Fading out to IDLE_ALPHA takes this long (s), linearly: seen, not a blink. */
const FADE_OUT_SECONDS = 1;
/** Coming back takes this long (s): the moment it moves or speaks, it is there. */
const FADE_IN_SECONDS = 0.15;
/** Names are drawn a little transparent: others' and our own. */
const LABEL_ALPHA = 0.8;
const OWN_LABEL_ALPHA = 0.95;

/** A frog keeps a stub of its tail: this much of a tadpole's length. */
const FROG_TAIL = 0.3;
/** How fast the drawn size follows the level (1/s): growing is seen, not a jump. */
const GROW_RATE = 3;
/** Right and left, for drawing pairs of limbs without an array per frame. */
const SIDES = [-1, 1] as const;

/**
 * One tadpole on screen: a tinted head, a rope tail that trails the path the head swam and
 * wiggles faster and wider with speed, and its name. Created when the tadpole appears, destroyed
 * when it leaves; per frame `place` and `draw` only write numbers into objects made up front.
 */
export class TadpoleSprite {
  /** Last drawn pose, read by the arrows, the mini-map and the chat bubbles. */
  x = 0;
  y = 0;
  angle = 0;
  speed = 0;
  /** Whether its head is inside the screen this frame (arrows point at the others). */
  onScreen = false;
  /** Whether its sprites are drawn: the screen plus a margin, so tails slide in smoothly. */
  drawn = false;
  own = false;

  private readonly head: Phaser.GameObjects.Image;
  private readonly tail: Phaser.GameObjects.Rope;
  private readonly label: Phaser.GameObjects.Text;
  private halo: Phaser.GameObjects.Image | undefined;
  /** Legs, drawn under the body, and a frog's eyes, over it: made when it first has them. */
  private limbs: Phaser.GameObjects.Graphics | undefined;
  private eyes: Phaser.GameObjects.Graphics | undefined;
  private readonly scene: Phaser.Scene;
  /** The size drawn now (1 at level 0), easing toward the level's; and the tail's share of its length. */
  private size = -1;
  private tailShare = 1;
  /** Frame time of the last growth step (s; -1: none yet). */
  private growTime = -1;
  private stage: Stage = Stage.tadpole;
  /** Joint positions in world units, x/y interleaved; joint 0 sits under the head. */
  private readonly joints = new Float32Array(JOINTS * 2);
  /** The rope's own point objects: rewritten in place each frame. */
  private readonly points: Phaser.Types.Math.Vector2Like[];
  private phase = Math.random() * Math.PI * 2;
  /** How far the name is pushed down to clear a tail that hangs below the head (smoothed). */
  private labelDrop = 0;
  private shownName = "";
  private shownHue = -1;
  /** The idle fade drawn now: 1 (not faded) down to IDLE_ALPHA; it eases toward the tadpole's `idle`. */
  private fade = 1;
  /** Set while hidden: the next draw shows the fade as it stands, without easing into it. */
  private fadeStale = true;
  /** Frame time of the last fade step (s). */
  private fadeTime = 0;
  private labelAlpha = LABEL_ALPHA;
  /** The alpha head and tail were last drawn with (-1: not yet). */
  private shownAlpha = -1;
  /** True when the joints are stale (new, or off screen for a while) and must be laid out anew. */
  private resetTail = true;

  constructor(
    scene: Phaser.Scene,
    readonly id: string,
    readonly tadpole: PondTadpole,
    private textResolution: number,
  ) {
    this.scene = scene;
    this.points = [];
    for (let i = 0; i < JOINTS; i++) this.points.push({ x: -i, y: 0 });
    this.tail = scene.add.rope(0, 0, Tex.tail, undefined, this.points, true);
    // Points are stored TAIL_TEXTURE_SCALE times larger and the rope scaled back down, so the
    // tail texture is drawn at several texels per world unit (crisp at DPR 2 and 3).
    this.tail.setScale(1 / TAIL_TEXTURE_SCALE).setDepth(Depth.tail);
    this.head = scene.add.image(0, 0, Tex.head).setDepth(Depth.head);
    this.head.setScale(HEAD_TEXTURE_WORLD / this.head.width);
    this.label = scene.add.text(0, 0, "", LABEL_STYLE).setOrigin(0.5, 0).setDepth(Depth.label);
    this.label.setResolution(textResolution);
    this.label.setAlpha(LABEL_ALPHA);
    this.setVisible(false);
  }

  /** The world camera draws these; the HUD camera must skip them. */
  forEachObject(fn: (o: Phaser.GameObjects.GameObject) => void): void {
    fn(this.tail);
    fn(this.head);
    fn(this.label);
    if (this.halo) fn(this.halo);
    if (this.limbs) fn(this.limbs);
    if (this.eyes) fn(this.eyes);
  }

  /** Marks this as the player's own tadpole: drawn on top, with a halo and a brighter name. */
  makeOwn(scene: Phaser.Scene, hudCamera: Phaser.Cameras.Scene2D.Camera): void {
    if (this.own) return;
    this.own = true;
    this.tail.setDepth(Depth.ownTail);
    this.head.setDepth(Depth.ownHead);
    this.limbs?.setDepth(Depth.ownTail);
    this.eyes?.setDepth(Depth.ownEyes);
    this.halo = scene.add.image(0, 0, Tex.halo).setDepth(Depth.ownTail).setAlpha(0.5);
    this.halo.setScale((HEAD_RADIUS * 4.2 * Math.max(1, this.size)) / this.halo.width);
    hudCamera.ignore(this.halo);
    this.labelAlpha = OWN_LABEL_ALPHA;
    this.shownAlpha = -1;
    this.label.setColor(Colors.ownName).setFontStyle("bold").setAlpha(OWN_LABEL_ALPHA * this.fade);
  }

  /** How large it is drawn now (1 at level 0, easing toward its level's size; for the test hook). */
  get drawnSize(): number {
    return Math.max(0, this.size);
  }

  /** Its stage as drawn: "tadpole", "legs" or "frog" (for the test hook). */
  get drawnStage(): "tadpole" | "legs" | "frog" {
    return this.stage === Stage.frog ? "frog" : this.stage === Stage.legs ? "legs" : "tadpole";
  }

  /** The alpha its head is drawn with now: the idle fade times the away dimming (for the test hook). */
  get alpha(): number {
    return this.head.alpha;
  }

  setTextResolution(resolution: number): void {
    if (resolution === this.textResolution) return;
    this.textResolution = resolution;
    this.label.setResolution(resolution);
  }

  /** Records where the tadpole is this frame (every tadpole, on screen or not). */
  place(x: number, y: number, angle: number, speed: number): void {
    this.x = x;
    this.y = y;
    this.angle = angle;
    this.speed = speed;
  }

  /**
   * Animates and positions the sprites. `labelScale` undoes the camera's small-screen zoom-out
   * so names stay readable; `time` is in seconds.
   */
  draw(dt: number, time: number, labelScale: number): void {
    const { x, y, angle } = this;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const speedNorm = Math.min(1, Math.max(0, this.speed / MAX_SPEED));
    this.refreshLook(time);
    const size = this.grow(time);
    const segment = SEGMENT * size * this.tailShare;

    this.head.setPosition(x, y).setRotation(angle);
    if (this.halo) {
      this.halo.setPosition(x, y);
      this.halo.setAlpha((0.32 + 0.14 * Math.sin(time * 2.4)) * this.fade);
    }
    // Heading up, the tail hangs below the head, right where the name goes: slide the name
    // down past it (smoothly, so a turning tadpole's name does not jump).
    const drop = Math.max(0, -sin) * segment * (JOINTS - 1) * 0.85;
    this.labelDrop += (drop - this.labelDrop) * (1 - Math.exp(-6 * dt));
    this.label.setPosition(x, y + LABEL_OFFSET * size + this.labelDrop).setScale(labelScale);

    // Joint 0 is tucked under the back of the head; the rest follow the leader at a fixed
    // spacing, so the tail traces the path the head actually swam (curving through turns),
    // and relax toward straight-behind so a resting tadpole's tail lines up again.
    const j = this.joints;
    const baseX = x - cos * HEAD_RADIUS * 0.55 * size;
    const baseY = y - sin * HEAD_RADIUS * 0.55 * size;
    j[0] = baseX;
    j[1] = baseY;
    if (this.resetTail) {
      for (let i = 1; i < JOINTS; i++) {
        j[i * 2] = baseX - cos * segment * i;
        j[i * 2 + 1] = baseY - sin * segment * i;
      }
      this.resetTail = false;
    }
    const relax = 1 - Math.exp(-STRAIGHTEN * dt);
    for (let i = 1; i < JOINTS; i++) {
      const k = i * 2;
      let jx = j[k] + (baseX - cos * segment * i - j[k]) * relax;
      let jy = j[k + 1] + (baseY - sin * segment * i - j[k + 1]) * relax;
      let dx = jx - j[k - 2];
      let dy = jy - j[k - 1];
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < 1e-4) {
        dx = -cos;
        dy = -sin;
      } else {
        dx /= d;
        dy /= d;
      }
      jx = j[k - 2] + dx * segment;
      jy = j[k - 1] + dy * segment;
      j[k] = jx;
      j[k + 1] = jy;
    }

    // The wiggle: a wave running down the tail, faster and wider the faster it swims; an idle
    // tadpole still breathes a little.
    this.phase += dt * (4.5 + 20 * speedNorm);
    if (this.phase > 1e4) this.phase -= Math.PI * 2 * 1000;
    const amplitude = (1.1 + 3.4 * speedNorm) * size * this.tailShare;
    // The rope is scaled down by TAIL_TEXTURE_SCALE / size (thicker as it grows): store its points that much larger.
    const s = TAIL_TEXTURE_SCALE / size;
    for (let i = 0; i < JOINTS; i++) {
      const k = i * 2;
      // Local direction from this joint toward the head.
      let nx: number;
      let ny: number;
      if (i === 0) {
        nx = cos;
        ny = sin;
      } else {
        nx = j[k - 2] - j[k];
        ny = j[k - 1] - j[k + 1];
        const d = Math.sqrt(nx * nx + ny * ny) || 1;
        nx /= d;
        ny /= d;
      }
      const offset = Math.sin(this.phase - i * 0.6) * amplitude * (i / (JOINTS - 1));
      const p = this.points[i];
      p.x = (j[k] - ny * offset) * s;
      p.y = (j[k + 1] + nx * offset) * s;
    }
    this.tail.setDirty();
    if (this.stage !== Stage.tadpole) this.drawLimbs(x, y, cos, sin, size, time);
  }

  /**
   * Eases the drawn size toward its level's and applies it; returns it. On the clock (`time`, s),
   * like the fade, not on the capped frame step: a slow page grows in the same second.
   */
  private grow(time: number): number {
    const dt = this.growTime < 0 ? 0 : Math.max(0, time - this.growTime);
    this.growTime = time;
    const level = this.tadpole.level;
    const target = sizeScale(level);
    const stage = stageOf(level);
    if (this.size < 0) this.size = target; // first draw: no growing into it
    else if (this.size !== target) {
      const step = (target - this.size) * (1 - Math.exp(-GROW_RATE * dt));
      this.size = Math.abs(target - this.size) < 0.002 ? target : this.size + step;
    }
    if (stage !== this.stage) {
      this.stage = stage;
      this.shownAlpha = -1;
      if (stage !== Stage.tadpole && this.limbs === undefined) {
        this.limbs = this.scene.add.graphics().setDepth(this.own ? Depth.ownTail : Depth.tail);
        this.onLimbs?.(this.limbs);
      }
      if (stage === Stage.frog && this.eyes === undefined) {
        this.eyes = this.scene.add.graphics().setDepth(this.own ? Depth.ownEyes : Depth.eyes);
        this.onLimbs?.(this.eyes);
      }
      this.limbs?.setVisible(stage !== Stage.tadpole && this.head.visible);
      this.eyes?.setVisible(stage === Stage.frog && this.head.visible);
    }
    const share = this.stage === Stage.frog ? FROG_TAIL : 1;
    this.tailShare += (share - this.tailShare) * (1 - Math.exp(-GROW_RATE * dt));
    const headScale = (HEAD_TEXTURE_WORLD * this.size) / this.head.width;
    if (this.head.scaleX !== headScale) this.head.setScale(headScale);
    const ropeScale = this.size / TAIL_TEXTURE_SCALE;
    if (this.tail.scaleX !== ropeScale) {
      this.tail.setScale(ropeScale);
      this.halo?.setScale((HEAD_RADIUS * 4.2 * this.size) / this.halo.width);
    }
    return this.size;
  }

  /** Called with the limbs (and eyes) when they are made, so the scene can keep the HUD camera off them. */
  onLimbs: ((limbs: Phaser.GameObjects.Graphics) => void) | undefined;

  /**
   * Legs: two hind legs from the back of the body, folded back and kicking with the swim; a frog
   * has front legs too, and eyes on top of its head. Drawn in the head's colour.
   */
  private drawLimbs(x: number, y: number, cos: number, sin: number, size: number, time: number): void {
    const g = this.limbs!;
    g.clear();
    const r = HEAD_RADIUS * size;
    const frog = this.stage === Stage.frog;
    const alpha = this.head.alpha;
    // A kick with the swim: the legs fold and stretch, faster and wider the faster it goes.
    const kick = Math.sin(this.phase * 0.5) * 0.3 * Math.min(1, this.speed / MAX_SPEED + 0.15);
    g.lineStyle(Math.max(1.5, r * (frog ? 0.3 : 0.22)), tintFor(this.tadpole.hue), alpha);
    const f = this.limbFrame;
    f.x = x;
    f.y = y;
    f.cos = cos;
    f.sin = sin;
    f.r = r;
    for (const side of SIDES) {
      // Hind legs: thigh out and back, shin folded forward, foot back (a Z), kicking.
      const k = kick * side;
      this.limb(g, -0.55, 0.5 * side, -0.7 + k, (frog ? 1.35 : 1.0) * side);
      this.limb(g, -0.7 + k, (frog ? 1.35 : 1.0) * side, -1.2 + k, (frog ? 0.95 : 0.75) * side);
      this.limb(g, -1.2 + k, (frog ? 0.95 : 0.75) * side, (frog ? -1.9 : -1.6) + k, (frog ? 1.25 : 0.9) * side);
      // A frog's front legs: short, forward and out.
      if (frog) this.limb(g, 0.35, 0.75 * side, 0.95, 1.15 * side);
    }
    if (!frog) return;
    // Eyes bulging on top of the head, blinking now and then.
    const e = this.eyes!;
    e.clear();
    const open = Math.sin(time * 0.7 + this.phase) > -0.97 ? 1 : 0.15;
    for (const side of SIDES) {
      const ex = x + cos * 0.45 * r - sin * 0.5 * side * r;
      const ey = y + sin * 0.45 * r + cos * 0.5 * side * r;
      // A dark rim, so the eye reads on a body of any colour, then the white and the pupil.
      e.fillStyle(0x0b1524, alpha);
      e.fillCircle(ex, ey, r * 0.38);
      e.fillStyle(0xf4f8ff, alpha);
      e.fillEllipse(ex, ey, r * 0.56, r * 0.56 * open);
      e.fillStyle(0x0b1524, alpha);
      e.fillEllipse(ex + cos * r * 0.08, ey + sin * r * 0.08, r * 0.26, r * 0.26 * open);
    }
  }

  /** Where drawLimbs draws: the head, its heading and its radius (kept, so a limb needs no closure). */
  private readonly limbFrame = { x: 0, y: 0, cos: 1, sin: 0, r: 1 };

  /** One straight limb from (f0, s0) to (f1, s1), in head radii along (f) and across (s, left −) the heading. */
  private limb(g: Phaser.GameObjects.Graphics, f0: number, s0: number, f1: number, s1: number): void {
    const { x, y, cos, sin, r } = this.limbFrame;
    g.lineBetween(x + (cos * f0 - sin * s0) * r, y + (sin * f0 + cos * s0) * r, x + (cos * f1 - sin * s1) * r, y + (sin * f1 + cos * s1) * r);
  }



  /** Shows or hides the sprites (off-screen tadpoles cost nothing to draw). */
  setVisible(visible: boolean): void {
    if (!visible) {
      this.resetTail = true;
      this.fadeStale = true;
    }
    this.tail.setVisible(visible);
    this.head.setVisible(visible);
    this.label.setVisible(visible);
    this.halo?.setVisible(visible);
    this.limbs?.setVisible(visible && this.stage !== Stage.tadpole);
    this.eyes?.setVisible(visible && this.stage === Stage.frog);
  }

  /**
   * Applies name, colour, away and idle changes; cheap when nothing changed. The fade runs on
   * the clock (`time`, s), not on the capped frame step: a slow page fades in the same second.
   */
  private refreshLook(time: number): void {
    const t = this.tadpole;
    if (t.name !== this.shownName) {
      this.shownName = t.name;
      // Text is drawn by the canvas fillText: hostile names are just glyphs.
      this.label.setText(t.name);
    }
    if (t.hue !== this.shownHue) {
      this.shownHue = t.hue;
      const tint = tintFor(t.hue);
      this.head.setTint(tint);
      this.tail.setColors(tint);
    }
    const target = t.idle === true ? IDLE_ALPHA : 1;
    const dt = Math.max(0, time - this.fadeTime);
    this.fadeTime = time;
    if (this.fadeStale) {
      this.fadeStale = false;
      this.fade = target;
    } else if (this.fade > target) {
      this.fade = Math.max(target, this.fade - ((1 - IDLE_ALPHA) / FADE_OUT_SECONDS) * dt);
    } else if (this.fade < target) {
      this.fade = Math.min(target, this.fade + ((1 - IDLE_ALPHA) / FADE_IN_SECONDS) * dt);
    }
    const alpha = this.fade * (t.away ? AWAY_ALPHA : 1);
    if (alpha !== this.shownAlpha) {
      this.shownAlpha = alpha;
      this.head.setAlpha(alpha);
      this.tail.setAlpha(alpha);
      this.label.setAlpha(this.labelAlpha * this.fade);
    }
  }

  destroy(): void {
    this.tail.destroy();
    this.head.destroy();
    this.label.destroy();
    this.halo?.destroy();
    this.limbs?.destroy();
    this.eyes?.destroy();
  }
}
