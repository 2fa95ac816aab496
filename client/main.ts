import { isTypingTarget, Steering } from "./input/Steering.ts";
import { PondSound } from "./audio/PondSound.ts";
import { PlayerName } from "./boot/PlayerName.ts";
import { startPhaser } from "./boot/phaserGame.ts";
import { linkedPond, onPondLink } from "./boot/route.ts";
import { SessionControl } from "./boot/SessionControl.ts";
import { shareLink, shareNative } from "./boot/share.ts";
import { showSessionStatus } from "./boot/statusDisplay.ts";
import { applyToDocument, onLangChange, t } from "./i18n/index.ts";
import type { PondConnection } from "./net/PondConnection.ts";
import { PondFeed } from "./net/PondFeed.ts";
import { PondScene } from "./scenes/PondScene.ts";
import { installTestHook } from "./scenes/testHook.ts";
import { ChatBox } from "./ui/ChatBox.ts";
import { ConnectionBanner } from "./ui/ConnectionBanner.ts";
import { FullscreenButton, offersFullscreen } from "./ui/FullscreenButton.ts";
import { LanguageSwitch } from "./ui/LanguageSwitch.ts";
import { Leaderboard } from "./ui/Leaderboard.ts";
import { Mutes } from "./ui/Mutes.ts";
import { NameField } from "./ui/NameField.ts";
import { PlayerList, type PlayerEntry } from "./ui/PlayerList.ts";
import { PondPanel } from "./ui/PondPanel.ts";
import { SoundButton } from "./ui/SoundButton.ts";
import { StatsOverlay } from "./ui/StatsOverlay.ts";
import { SystemNotices } from "./ui/SystemNotices.ts";
import { WelcomeCard } from "./ui/WelcomeCard.ts";
import "./style.css";

/**
 * Boot: build the DOM overlays, start Phaser with the pond scene, and once the scene is up join
 * a pond on the page's own origin: the one the link names (`/#/pond/<id>`) if it is still open,
 * else the matchmaker's choice. Everything the pond says reaches the page through one PondFeed,
 * which the widgets and the scene subscribe to here, once; boot/ holds the session control, the
 * address, the status display and the Phaser config.
 */
const params = new URLSearchParams(location.search);
// <html lang>, the title and the manifest in the player's language (client/i18n/).
applyToDocument();
const gameRoot = document.getElementById("game") ?? document.body;
const overlay = document.createElement("div");
overlay.className = "overlay";
document.body.appendChild(overlay);
// Top-left column: the pond panel, and the stats below it when shown.
const hudLeft = document.createElement("div");
hudLeft.className = "hud-left";
overlay.appendChild(hudLeft);

const feed = new PondFeed();
const name = new PlayerName(params);
const control = new SessionControl(feed, name);
/** The connection the page shows now (kept while reconnecting). */
let connection: PondConnection | undefined;
feed.on("connection", (c) => (connection = c));

const banner = new ConnectionBanner(overlay);
const panel = new PondPanel(hudLeft, {
  join: (roomId) => control.switchTo(roomId),
  copyLink: (roomId) => void shareLink(roomId, banner),
  // The system's share sheet, where the browser has one (phones, mostly).
  share: typeof navigator.share === "function" ? (roomId) => void shareNative(roomId, banner) : undefined,
  listShown: (open) => (open ? players.start() : players.stop()),
}, gameRoot);
const leaderboard = new Leaderboard(hudLeft);
feed.on("connection", (c) => leaderboard.setSource(c));
// What the server itself says (MessageType.notice), drawn where no chat line can be.
const notices = new SystemNotices(overlay);
feed.on("notice", (notice) => notices.show(notice));
// Players whose bubbles this browser hides, muted from the pond panel's list of players nearby.
const mutes = new Mutes();
const players = new PlayerList(nearbyPlayers, mutes, (id) => scene.dropChat(id));
panel.addSection(players.element);
const stats = new StatsOverlay(hudLeft, params.get("stats") === "1");
let chat: ChatBox | undefined;
// Swimming goes on while a chat line is typed; arrow keys pressed meanwhile belong to the line.
const steering = new Steering(gameRoot, () => chat?.open === true || isTypingTarget(document.activeElement));

chat = new ChatBox(overlay, (text) => {
  if (!control.say(text)) banner.notify(() => t().notConnectedChat);
});
// Bottom-left: the name field, the language switch and, on phones, full screen.
const corner = document.createElement("div");
corner.className = "hud-bottom-left";
overlay.appendChild(corner);
const nameField = new NameField(corner, (chosen) => {
  name.chosen(chosen);
  control.rename(chosen);
});
if (name.current) nameField.show(name.current);
feed.on("ownName", (own) => {
  nameField.show(own);
  name.heard(own);
});
new LanguageSwitch(corner);
onLangChange(() => {
  const relabelled = name.relabel();
  if (relabelled === undefined) return;
  nameField.show(relabelled);
  control.rename(relabelled);
});
// Soft water and a blip for chat: off until the player turns it on (client/audio/, docs/feel.md).
const sound = new PondSound();
if (sound.available) new SoundButton(corner, sound);
if (offersFullscreen()) new FullscreenButton(corner);
// The first visit's card (how to swim, chat and take a name): gone at the first stroke.
const welcome = new WelcomeCard(overlay);
if (welcome.shown) {
  const stop = steering.onSwim(() => {
    stop();
    welcome.dismiss();
  });
}

const scene = new PondScene({ steering, stats, overlay, feed, onReady: () => control.start(linkedPond()) });
feed.on("chat", (line) => {
  if (mutedSpeaker(line.id)) return;
  scene.showChat(line);
  // A blip for a line from another tadpole on screen (not our own, not one far away).
  if (line.id !== connection?.sessionId && scene.look(line.id)?.drawn) sound.blip();
});
showSessionStatus(feed, control, banner, panel);
// A pasted or clicked `#/pond/<id>` link while playing: go to that pond.
onPondLink((roomId) => control.switchTo(roomId));

/** The other players this client knows (near enough to be drawn), for the pond panel's list. */
function nearbyPlayers(): PlayerEntry[] {
  if (!connection) return [];
  const nearby: PlayerEntry[] = [];
  for (const [id, tadpole] of connection.all) if (id !== connection.sessionId) nearby.push({ id, name: tadpole.name });
  return nearby;
}

/** Whether lines from `id` are hidden: that player is muted (this visit, or by name from before). */
function mutedSpeaker(id: string): boolean {
  if (!connection || id === connection.sessionId) return false;
  // The state names every tadpole of the pond, drawn or not yet.
  const speaker = connection.all.get(id)?.name ?? connection.room.state?.tadpoles?.get(id)?.name;
  return mutes.isMuted(id, speaker);
}

startPhaser(gameRoot, scene);

installTestHook({
  sessionId: () => (control.connected ? scene.sessionId : undefined),
  selfPose: () => scene.ownPose,
  tadpoleCount: () => scene.tadpoleCount,
  names: () => scene.names(),
  bubbles: () => scene.bubbleTexts(),
  draft: () => (chat?.open ? chat.draft : undefined),
  camera: () => scene.cameraShown,
  waterHue: () => scene.waterHue,
  connected: () => control.connected,
  pondId: () => (control.connected ? control.roomId : undefined),
  status: () => control.status,
  look: (id) => scene.look(id),
  radar: () => scene.radarReport(),
  crowdArrows: () => scene.crowdArrows(),
  miniMap: () => scene.miniMapArea,
  food: () => scene.foodReport(),
  leaderboard: () => leaderboard.lines(),
});
