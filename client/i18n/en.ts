/** "15 minutes", "1 minute", "30 seconds"; "a while" when the server did not say. */
function awayFor(seconds: number | undefined): string {
  if (seconds === undefined) return "a while";
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/**
 * Every English string the page shows a player, in one place (client/i18n/index.ts picks the
 * table; zh.ts is typed by this one, so a key missing there does not compile). Strings that
 * take values are functions. Text in `backticks` inside a welcome line is shown as code.
 * The stats overlay (F3) stays technical English and is not here.
 */
export const en = {
  /** This language's own name, on the language switch. */
  languageName: "English",
  /** The short form the switch shows. */
  languageShort: "EN",
  languageSwitch: "Language",
  /** The page title, and the splash's title (index.html paints the same text before any script). */
  title: "Tadpole Pond",

  // Connection banner and toasts (client/main.ts).
  joining: "Joining the pond…",
  cantReach: "Can't reach the pond — retrying…",
  reconnecting: "Connection lost — reconnecting…",
  moving: "Moving to another pond…",
  joinAgain: "Join again",
  notConnectedChat: "Not connected: your message was not sent.",
  pondClosedOrFull: (asked: string, now: string) => `Pond ${asked} is closed or full — you're in pond ${now}.`,
  pondClosed: (now: string) => `Your pond closed — you're in pond ${now} now.`,
  linkCopied: "Link copied: send it to a friend to swim together.",
  shareThisLink: (link: string) => `Share this link: ${link}`,
  /** What a shared link says (navigator.share). */
  shareText: "Swim with me in the tadpole pond!",

  // Why the pond let us go (close codes, docs/protocol.md).
  closedInvalid: "The pond disconnected you (too many bad messages).",
  closedFlooding: "The pond disconnected you (too many messages).",
  closedElsewhere: "You're in the pond from another tab or device, so this one was disconnected.",
  /** CLOSE_IDLE (4410): idle for `seconds` (undefined when the server did not say). */
  closedIdle: (seconds: number | undefined) => `You were away for ${awayFor(seconds)}, so your place in the pond was freed.`,
  swimAgain: "Swim again",
  couldNotJoin: "Couldn't join a pond.",
  disconnected: "Disconnected from the pond.",

  // Server notices, by code (the server's own text is shown for codes not known here).
  noticesLabel: "Messages from the pond",
  noticeFrom: "Pond",
  chatThrottled: "You are chatting too fast; wait a moment.",
  renameThrottled: "You are renaming too often; wait a moment.",
  nameTaken: (asked: string, given: string) => `A name like “${asked}” is already taken in this pond: you are “${given}” here.`,
  nameTakenPlain: "That name is already taken in this pond, so a number was added to yours.",

  // Chat line and button (client/ui/ChatBox.ts).
  chatPlaceholder: "Say something…  (↑ your last lines, name: Bob renames you)",
  chatLabel: "Chat message",
  chatButton: "Chat",
  chatButtonTitle: "Chat (or just type)",

  // Name field (client/ui/NameField.ts).
  namePlaceholder: "your name",
  nameLabel: "Your name",

  // Pond panel (client/ui/PondPanel.ts).
  players: (n: number) => (n === 1 ? "1 player" : `${n} players`),
  pond: (id: string) => `Pond ${id}`,
  ponds: "Ponds",
  notInPond: "Not in a pond",
  joiningPond: "Joining a pond…",
  pondsNotInPond: "Ponds (not in a pond)",
  pondsJoining: "Ponds (joining)",
  pondToggle: (id: string, players: string | undefined) => `Pond ${id}${players ? `, ${players}` : ""}. Show all ponds`,
  copyLink: "Copy a link to this pond",
  share: "Share this pond",
  youAreHere: "you're here",
  full: "full",
  join: "join",
  joinPond: (id: string) => `Join pond ${id}`,
  pondsLoadFailed: "Couldn't load the ponds.",
  pondsLoading: "Loading…",
  pondsRefreshFailed: "Couldn't refresh the list.",
  noPonds: "No ponds open.",
  pondsNote: "New players join the fullest pond with room.",

  // Players nearby (client/ui/PlayerList.ts).
  playersNearby: "Players nearby",
  muted: "Muted",
  nobodyNear: "Nobody near you.",
  mutedNote: "Muted players' chat is hidden from you.",
  mute: "mute",
  unmute: "unmute",
  muteName: (name: string) => `Mute ${name}`,
  unmuteName: (name: string) => `Unmute ${name}`,

  // Leaderboard (client/ui/Leaderboard.ts).
  largest: "Largest",
  bestEver: (name: string, mass: number) => `Best ever: ${name} (${mass})`,
  leaderEntry: (place: number, name: string, mass: number) => `${place}. ${name}, ${mass}`,
  nobodyFed: "Eat the specks to grow.",

  // Full screen (client/ui/FullscreenButton.ts).
  fullscreen: "Full screen",
  exitFullscreen: "Exit full screen",

  // Sound toggle (client/ui/SoundButton.ts): its name, and its tooltip while off and on.
  sound: "Sound",
  soundOffTitle: "Sound is off: turn on soft water and a blip for chat",
  soundOnTitle: "Sound is on: turn it off",

  // The first visit's card (client/ui/WelcomeCard.ts).
  welcomeTitle: "Welcome to the pond",
  welcomeSwimMouse: "Swim: hold the mouse button where you want to go, or use the arrow keys.",
  welcomeSwimTouch: "Swim: hold a finger where you want to go.",
  welcomeChatKeys: "Chat: just start typing; Enter sends.",
  welcomeChatTouch: "Chat: tap the chat button, bottom right.",
  welcomeName: "Name: send `name: Bob` in the chat, or edit your name bottom left.",
  welcomeClose: "Close",

  /**
   * A guest's name is one of these with a number (client/ui/guestName.ts). The lists of every
   * language run in step (the same index is the same creature), so a guest who switches
   * language keeps their number and creature.
   */
  guestWords: [
    "Pollywog", "Little Frog", "Lily Pad", "Ripple", "Bubble", "Duckweed", "Reed", "Dragonfly",
    "Water Lily", "Pebble", "Minnow", "Splash", "Firefly", "Raindrop", "Snail", "Goldfish",
  ],
};

/** The shape of every language's table: the same keys, strings and functions as English. */
export type Messages = typeof en;
