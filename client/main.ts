import * as Phaser from "phaser";
import { DEFAULT_NAME } from "../shared/constants.ts";
import { isSuffixed } from "../shared/nameSuffix.ts";
import { isTypingTarget, Steering } from "./input/Steering.ts";
import { PondSound } from "./audio/PondSound.ts";
import { idleSecondsIn } from "../shared/protocol.ts";
import { PondSession, pondHash, pondIdFromHash, type SessionStatus, type StatusDetail } from "./net/PondSession.ts";
import { PondScene } from "./scenes/PondScene.ts";
import { applyToDocument, LANGS, onLangChange, t, TABLES } from "./i18n/index.ts";
import { installTestHook } from "./scenes/testHook.ts";
import { ChatBox } from "./ui/ChatBox.ts";
import { copyText } from "./ui/clipboard.ts";
import { ConnectionBanner } from "./ui/ConnectionBanner.ts";
import { FullscreenButton, offersFullscreen } from "./ui/FullscreenButton.ts";
import { guestNameIn, guestPick } from "./ui/guestName.ts";
import { LanguageSwitch } from "./ui/LanguageSwitch.ts";
import { Mutes } from "./ui/Mutes.ts";
import { NameField, rememberName, storedName } from "./ui/NameField.ts";
import { Leaderboard } from "./ui/Leaderboard.ts";
import { PlayerList, type PlayerEntry } from "./ui/PlayerList.ts";
import { PondPanel, shortPondId } from "./ui/PondPanel.ts";
import { SoundButton } from "./ui/SoundButton.ts";
import { StatsOverlay } from "./ui/StatsOverlay.ts";
import { SystemNotices } from "./ui/SystemNotices.ts";
import { WelcomeCard } from "./ui/WelcomeCard.ts";
import { Viewport } from "./render/Viewport.ts";
import "./style.css";
import { dismissSplash } from "./ui/splash.ts";

/**
 * Boot: build the DOM overlays, start Phaser with the pond scene, and once the scene is up join
 * a pond on the page's own origin (the server serves this page and the WebSocket together):
 * the one the link names (`/#/pond/<id>`) if it is still open, else the matchmaker's choice.
 * The session (client/net/PondSession.ts, shared with the bots) rides out network blips and
 * moves us to another pond when ours closes; this file only shows what it reports.
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

const serverUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
/** The name to join with: ?name= for links and tests, else the one remembered, else this browser's guest name. */
let joinName = params.get("name")?.trim() || storedName();
/**
 * Whether we swim under this browser's guest name ("Pollywog 37", ui/guestName.ts: drawn on the
 * first visit and remembered): until the player picks a name, and then it follows the language.
 */
let asGuest = !joinName;
const guest = asGuest ? guestPick(t().guestWords.length) : undefined;
if (guest) joinName = guestNameIn(guest, t());

/**
 * The SDK re-attaches a dropped socket to the same tadpole for as long as the server holds it
 * (RECONNECT_GRACE_SECONDS, 20 s by default); past that it is hopeless, so give up at about the
 * same time (200+400+800+1600 ms, then 3 s x 5 ≈ 18 s) and let the session join a pond afresh.
 */
const RECONNECTION = { maxRetries: 9, maxDelay: 3000 };

let session: PondSession | undefined;
/** The pond the player asked for (link, list), until joined: to tell them if they landed elsewhere. */
let requestedPond: string | undefined;
let everConnected = false;
let sceneReady = false;

const panel = new PondPanel(hudLeft, {
  join: (roomId) => switchPond(roomId),
  copyLink: (roomId) => void shareLink(roomId),
  // The system's share sheet, where the browser has one (phones, mostly).
  share: typeof navigator.share === "function" ? (roomId) => void shareNative(roomId) : undefined,
  listShown: (open) => (open ? players.start() : players.stop()),
}, gameRoot);
const leaderboard = new Leaderboard(hudLeft);
const banner = new ConnectionBanner(overlay);
// What the server itself says (MessageType.notice), drawn where no chat line can be.
const notices = new SystemNotices(overlay);
// Players whose bubbles this browser hides, muted from the pond panel's list of players nearby.
const mutes = new Mutes();
const players = new PlayerList(nearbyPlayers, mutes, (id) => scene.dropChat(id));
panel.addSection(players.element);
const stats = new StatsOverlay(hudLeft, params.get("stats") === "1");
let chat: ChatBox | undefined;
// Swimming goes on while a chat line is typed; arrow keys pressed meanwhile belong to the line.
const steering = new Steering(gameRoot, () => chat?.open === true || isTypingTarget(document.activeElement));

chat = new ChatBox(overlay, (text) => {
  const connection = session?.status === "connected" ? session.connection : undefined;
  if (connection) connection.say(text);
  else banner.notify(() => t().notConnectedChat);
});
// Bottom-left: the name field, the language switch and, on phones, full screen.
const corner = document.createElement("div");
corner.className = "hud-bottom-left";
overlay.appendChild(corner);
const nameField = new NameField(corner, (name) => {
  joinName = name;
  asGuest = false;
  session?.rename(name);
});
if (joinName) nameField.show(joinName);
new LanguageSwitch(corner);
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
onLangChange(() => {
  // A guest's name reads in the language shown: "Pollywog 37" becomes "小蝌蚪 37".
  if (!asGuest || !guest) return;
  const name = guestNameIn(guest, t());
  if (name === joinName) return;
  joinName = name;
  nameField.show(name);
  session?.rename(name);
});

const scene = new PondScene({
  steering,
  stats,
  overlay,
  onReady: () => {
    sceneReady = true;
    startSession(pondIdFromHash(location.hash));
  },
  onOwnName: (name) => {
    nameField.show(name);
    // Remember a name set in any way (name field or a `name: …` chat line) for next visit and
    // for the next pond; not the number the server added because the name was taken here.
    if (name !== joinName && name !== DEFAULT_NAME && !isSuffixed(name, joinName ?? "") && !ourGuestName(name)) {
      joinName = name;
      asGuest = false;
      rememberName(name);
    }
  },
});

/**
 * Whether `name` is this browser's guest name in any language (or the server's numbering of it):
 * the echo of a rename the language switch made, which may arrive after the next switch.
 */
function ourGuestName(name: string): boolean {
  if (!asGuest || !guest) return false;
  return LANGS.some((l) => {
    const own = guestNameIn(guest, TABLES[l]);
    return name === own || isSuffixed(name, own);
  });
}

/**
 * A fresh session, joining `roomId` if given (PondSession falls back to any pond when that one
 * is gone or full). The previous session, if any, leaves its pond for good. Every handler checks
 * it still belongs to the current session: a closing one may still report.
 */
function startSession(roomId: string | undefined): void {
  const previous = session;
  session = undefined;
  if (previous) void previous.close().catch(() => undefined);
  scene.setConnection(undefined);
  leaderboard.setSource(undefined);
  panel.setPond(undefined);
  panel.setStatus("connecting");
  requestedPond = roomId;

  const s: PondSession = new PondSession(
    {
      url: serverUrl,
      name: joinName,
      roomId,
      // `?lag=150&jitter=30&loss=5%` in the page URL simulates a worse network (net/netsim.ts).
      connection: { netsimQuery: location.search },
      reconnection: RECONNECTION,
    },
    {
      onStatus: (status, detail) => {
        if (session === s) showStatus(s, status, detail);
      },
      onConnection: (connection) => {
        if (session !== s) return;
        scene.setConnection(connection);
        leaderboard.setSource(connection);
      },
      onPondChanged: (id, from) => {
        if (session === s) pondChanged(id, from);
      },
      onAdd: (id, tadpole) => {
        if (session === s) scene.addTadpole(id, tadpole);
      },
      onRemove: (id) => {
        if (session === s) scene.removeTadpole(id);
      },
      onChat: (line) => {
        if (session === s && !mutedSpeaker(s, line.id)) {
          scene.showChat(line);
          // A blip for a line from another tadpole on screen (not our own, not one far away).
          if (line.id !== s.connection?.sessionId && scene.look(line.id)?.drawn) sound.blip();
        }
      },
      onNotice: (notice) => {
        if (session === s) notices.show(notice);
      },
    },
  );
  session = s;
  // Rejects only when the session is closed (a newer one replaced it) or gives up, which
  // onStatus already shows.
  s.start().catch(() => undefined);
}

/** The other players this client knows (near enough to be drawn), for the pond panel's list. */
function nearbyPlayers(): PlayerEntry[] {
  const connection = session?.connection;
  if (!connection) return [];
  const nearby: PlayerEntry[] = [];
  for (const [id, tadpole] of connection.all) if (id !== connection.sessionId) nearby.push({ id, name: tadpole.name });
  return nearby;
}

/** Whether lines from `id` are hidden: that player is muted (this visit, or by name from before). */
function mutedSpeaker(s: PondSession, id: string): boolean {
  const connection = s.connection;
  if (!connection || id === connection.sessionId) return false;
  // The state names every tadpole of the pond, drawn or not yet.
  const name = connection.all.get(id)?.name ?? connection.room.state?.tadpoles?.get(id)?.name;
  return mutes.isMuted(id, name);
}

/** Join `roomId` now (from the list or a changed link), unless we are already there or on our way. */
function switchPond(roomId: string): void {
  if (!sceneReady) return;
  if (session && (session.roomId === roomId || (session.roomId === undefined && requestedPond === roomId && session.status === "connecting"))) return;
  startSession(roomId);
}

let slowTimer: ReturnType<typeof setTimeout> | undefined;
let slowPoll: ReturnType<typeof setInterval> | undefined;

function showStatus(s: PondSession, status: SessionStatus, detail: StatusDetail): void {
  clearTimeout(slowTimer);
  clearInterval(slowPoll);
  document.body.classList.toggle("pond-reconnecting", status === "reconnecting");
  panel.setStatus(status);
  // The loading screen stays while the first join is under way; anything else has a pond or a banner to show.
  if (status !== "connecting") dismissSplash();
  switch (status) {
    case "connected":
      everConnected = true;
      banner.hide();
      // A reconnect keeps the connection (and every tadpole with it); a join brings a new one.
      scene.setConnection(s.connection);
      leaderboard.setSource(s.connection);
      break;
    case "connecting": {
      // Only mention a slow join; a quick one should not flash a banner.
      const say = (): void => banner.show(s.counts.failedAttempts > 0 ? () => t().cantReach : () => t().joining);
      slowTimer = setTimeout(() => {
        // A slow join: the banner says why (and keeps saying), over the empty pond.
        dismissSplash();
        say();
        slowPoll = setInterval(say, 1000);
      }, 700);
      break;
    }
    case "reconnecting":
      // The SDK is re-attaching our socket: the pond stays on screen (dimmed), our tadpole waits.
      banner.show(() => t().reconnecting);
      break;
    case "moving":
      // Our pond is gone: clear it, the session joins another.
      scene.setConnection(undefined);
      panel.setPond(undefined);
      banner.show(() => t().moving);
      break;
    case "offline":
      scene.setConnection(undefined);
      panel.setPond(undefined);
      // CLOSE_IDLE: the seat was freed; swimming again is the player's choice, never automatic.
      banner.offline(() => offlineText(detail.code, detail.reason), () => (detail.code === 4410 ? t().swimAgain : t().joinAgain), () => startSession(pondIdFromHash(location.hash)));
      break;
  }
}

function offlineText(code: number | undefined, reason: string | undefined): string {
  const m = t();
  // CLOSE_IDLE: no steering and no chat for IDLE_TIMEOUT_SECONDS (the reason says how long).
  if (code === 4410) return m.closedIdle(idleSecondsIn(reason));
  if (code === 4400) return m.closedInvalid;
  if (code === 4429) return m.closedFlooding;
  // CLOSE_CONNECTED_ELSEWHERE: this seat reconnected from another tab or device. The session does
  // not rejoin on it (it would take the seat back from that tab, which would take it back, ...).
  if (code === 4409) return m.closedElsewhere;
  if (!everConnected) return m.couldNotJoin;
  return m.disconnected;
}

function pondChanged(roomId: string, from: string | undefined): void {
  panel.setPond(roomId);
  // The address bar now links to this pond (no reload, no history entry): share it as is.
  if (pondIdFromHash(location.hash) !== roomId) history.replaceState(history.state, "", pondHash(roomId));
  const asked = requestedPond;
  requestedPond = undefined;
  if (asked !== undefined && asked !== roomId) {
    banner.notify(() => t().pondClosedOrFull(shortPondId(asked), shortPondId(roomId)), 5000);
  } else if (from !== undefined) {
    banner.notify(() => t().pondClosed(shortPondId(roomId)), 5000);
  }
}

function pondLink(roomId: string): string {
  return `${location.origin}${location.pathname}${pondHash(roomId)}`;
}

async function shareLink(roomId: string): Promise<void> {
  const link = pondLink(roomId);
  if (await copyText(link)) banner.notify(() => t().linkCopied);
  else banner.notify(() => t().shareThisLink(link), 8000);
}

/** The system's share sheet with the pond's link; copies it instead if the sheet fails (not if the player backs out). */
async function shareNative(roomId: string): Promise<void> {
  try {
    await navigator.share({ title: t().title, text: t().shareText, url: pondLink(roomId) });
  } catch (error) {
    if ((error as Error | undefined)?.name !== "AbortError") await shareLink(roomId);
  }
}

// A pasted or clicked `#/pond/<id>` link while playing: go to that pond. (Our own
// history.replaceState does not fire hashchange.)
window.addEventListener("hashchange", () => {
  const roomId = pondIdFromHash(location.hash);
  if (roomId !== undefined) switchPond(roomId);
});

// Leaving the page (a reload, a closed tab, another site) leaves the pond: the tadpole and its
// name go at once, rather than waiting out the reconnection grace of a dropped connection, so a
// reload finds its own name free (not "Pollywog 37 2" beside its own fading tadpole). A page
// brought back from the back/forward cache joins again.
window.addEventListener("pagehide", () => {
  const leaving = session;
  session = undefined;
  void leaving?.close().catch(() => undefined);
});
window.addEventListener("pageshow", (e) => {
  if (e.persisted && sceneReady && session === undefined) startSession(pondIdFromHash(location.hash));
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

/** Up and in a pond: not while joining, reconnecting (the socket is down), moving or offline. */
const connected = (): boolean => session?.status === "connected" && session.connection !== undefined;

installTestHook({
  sessionId: () => (connected() ? scene.sessionId : undefined),
  selfPose: () => scene.ownPose,
  tadpoleCount: () => scene.tadpoleCount,
  names: () => scene.names(),
  bubbles: () => scene.bubbleTexts(),
  draft: () => (chat?.open ? chat.draft : undefined),
  camera: () => scene.cameraView,
  waterHue: () => scene.waterHue,
  connected,
  pondId: () => (connected() ? session?.roomId : undefined),
  status: () => session?.status ?? "offline",
  look: (id) => scene.look(id),
  radar: () => scene.radarView(),
  crowdArrows: () => scene.crowdArrows(),
  miniMap: () => scene.miniMapArea,
  food: () => scene.foodView(),
  leaderboard: () => leaderboard.lines(),
});
