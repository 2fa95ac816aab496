import * as Phaser from "phaser";
import { Viewport } from "../render/Viewport.ts";

/** Starts Phaser in `parent` with the one scene, sized to the window at the device's pixel ratio. */
export function startPhaser(parent: HTMLElement, scene: Phaser.Scene): Phaser.Game {
  const viewport = new Viewport();
  viewport.measure();
  return new Phaser.Game({
    type: Phaser.AUTO,
    parent,
    // The water is a CSS gradient behind the canvas (style.css): cheaper than a full-screen quad.
    transparent: true,
    banner: false,
    // PondScene.layout() keeps the canvas at CSS size x DPR and the zoom at 1/DPR.
    scale: { mode: Phaser.Scale.NONE, width: viewport.pixelWidth, height: viewport.pixelHeight, zoom: 1 / viewport.dpr },
    // Input is plain DOM (input/Steering.ts, ui/): Phaser's own listeners would only compete.
    input: { keyboard: false, mouse: false, touch: false, gamepad: false },
    audio: { noAudio: true },
    render: { antialias: true, powerPreference: "high-performance" },
    scene: [scene],
  });
}
