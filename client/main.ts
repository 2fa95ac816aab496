import * as Phaser from "phaser";
import { DEFAULT_NAME } from "../shared/constants.ts";
import { isTypingTarget, Steering } from "./input/Steering.ts";
import { PondScene } from "./scenes/PondScene.ts";
import { PondSession } from "./scenes/PondSession.ts";
import { installTestHook } from "./scenes/testHook.ts";
import { ChatBox } from "./ui/ChatBox.ts";
import { ConnectionBanner } from "./ui/ConnectionBanner.ts";
import { NameField, rememberName, storedName } from "./ui/NameField.ts";
import { StatsOverlay } from "./ui/StatsOverlay.ts";
import { Viewport } from "./render/Viewport.ts";
import "./style.css";

/**
 * Boot: build the DOM overlays, start Phaser with the pond scene, and once the scene is up join
 * the pond on the page's own origin (the server serves this page and the WebSocket together).
 */
const params = new URLSearchParams(location.search);
const gameRoot = document.getElementById("game") ?? document.body;
const overlay = document.createElement("div");
overlay.className = "overlay";
document.body.appendChild(overlay);

const serverUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
/** The name to join with: ?name= for links and tests, else the one remembered. */
let joinName = params.get("name")?.trim() || storedName();

const banner = new ConnectionBanner(overlay);
const stats = new StatsOverlay(overlay, params.get("stats") === "1");
let chat: ChatBox | undefined;
const steering = new Steering(gameRoot, () => chat?.open === true || isTypingTarget(document.activeElement));

let session: PondSession | undefined;
chat = new ChatBox(
  overlay,
  (text) => {
    const connection = session?.connection;
    if (connection) connection.say(text);
    else banner.notify("Not connected: your message was not sent.");
  },
  (open) => {
    if (open) steering.releaseAll();
  },
);
const nameField = new NameField(overlay, (name) => {
  joinName = name;
  session?.connection?.rename(name);
});
if (joinName) nameField.show(joinName);

const scene = new PondScene({
  steering,
  stats,
  overlay,
  onReady: () => session?.start(),
  onOwnName: (name) => {
    nameField.show(name);
    // Remember a name set in any way (name field or a `name: …` chat line) for next visit and
    // for rejoining after a dropped connection.
    if (name !== joinName && name !== DEFAULT_NAME) {
      joinName = name;
      rememberName(name);
    }
  },
});

let everConnected = false;
let connectingTimer: ReturnType<typeof setTimeout> | undefined;
session = new PondSession(serverUrl, () => joinName, {
  onStatus: (status) => {
    clearTimeout(connectingTimer);
    if (status.kind === "connected") {
      everConnected = true;
      banner.hide();
    } else if (status.kind === "connecting") {
      // Only mention a slow first join; a quick one should not flash a banner.
      connectingTimer = setTimeout(() => banner.show("Joining the pond…"), 700);
    } else {
      banner.show(everConnected ? "Connection lost — reconnecting…" : "Can't reach the pond — retrying…");
    }
  },
  onConnected: (connection) => scene.setConnection(connection),
  onDisconnected: () => scene.setConnection(undefined),
  onAdd: (id, tadpole) => scene.addTadpole(id, tadpole),
  onRemove: (id) => scene.removeTadpole(id),
  onChat: (line) => scene.showChat(line),
  onNotice: (notice) => banner.notify(notice.text),
});

const viewport = new Viewport();
viewport.measure();
new Phaser.Game({
  type: Phaser.AUTO,
  parent: gameRoot,
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

installTestHook({
  sessionId: () => scene.sessionId,
  selfPose: () => scene.ownPose,
  tadpoleCount: () => scene.tadpoleCount,
  names: () => scene.names(),
  bubbles: () => scene.bubbleTexts(),
  connected: () => session?.connection !== undefined,
});
