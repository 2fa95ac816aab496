import { onLangChange, t } from "../i18n/index.ts";
import { currentKeyer, loadFullKeyer } from "./nameKeys.ts";
import type { Mutes } from "./Mutes.ts";

/** A player this client knows (near enough to be drawn), not ourselves. */
export interface PlayerEntry {
  id: string;
  name: string;
}

/** Refresh the list this often while it is shown (ms): names change, players come and go. */
const REFRESH_MS = 1_000;
/** Rows at most: a crowd around you is still a list you can read. */
const MAX_ROWS = 100;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The players near you, each with a mute button, and the names muted earlier that are not
 * around, each with an unmute button: a section of the pond panel's list (ui/PondPanel.ts).
 * Muting hides that player's chat bubbles (see ui/Mutes.ts for who a mute points at and why).
 * Muting lives here rather than on the tadpoles: a press on the pond swims toward it, so a
 * tadpole cannot also be a button. Names go in through textContent only.
 */
export class PlayerList {
  readonly element: HTMLElement;
  private readonly nearbyList: HTMLUListElement;
  private readonly nearbyNote: HTMLParagraphElement;
  private readonly mutedTitle: HTMLDivElement;
  private readonly mutedList: HTMLUListElement;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** What the rows show now: they are rebuilt only when this changes (never under a pointer for nothing). */
  private shown = "";

  constructor(
    private readonly players: () => PlayerEntry[],
    private readonly mutes: Mutes,
    /** Called after the player with session `id` was muted (so their bubbles can go at once). */
    private readonly onMute: (id: string) => void,
  ) {
    this.element = el("section", "players");
    this.nearbyList = el("ul", "player-rows");
    this.nearbyNote = el("p", "pond-note");
    this.mutedTitle = el("div", "pond-list-title players-muted-title");
    this.mutedList = el("ul", "player-rows muted");
    const nearbyTitle = el("div", "pond-list-title");
    this.element.append(nearbyTitle, this.nearbyList, this.nearbyNote, this.mutedTitle, this.mutedList);
    mutes.onChange(() => this.render());
    const relabel = (): void => {
      this.element.setAttribute("aria-label", t().playersNearby);
      nearbyTitle.textContent = t().playersNearby;
      this.mutedTitle.textContent = t().muted;
      // The rows' words too: draw them again.
      this.shown = "";
      this.render();
    };
    relabel();
    onLangChange(relabel);
  }

  /** Shown (the pond list opened): render now and keep current. */
  start(): void {
    // Matching names by lookalike keys needs Unicode's table: fetch it now (once), render again when here.
    void this.mutes.ready().then(() => this.render());
    this.render();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.render(), REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  render(): void {
    const collator = new Intl.Collator(undefined, { sensitivity: "base" });
    const nearby = this.players().sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id)).slice(0, MAX_ROWS);
    const rows = nearby.map((p) => ({ ...p, muted: this.mutes.isMuted(p.id, p.name) }));
    // Remembered names with nobody near who answers to them.
    const keyer = currentKeyer();
    const alike = (a: string, b: string) => { const keys = keyer.keys(b); return keyer.keys(a).some((k) => keys.includes(k)); };
    const away = this.mutes.names.filter((name) => !nearby.some((p) => alike(p.name, name)));
    const signature = JSON.stringify([rows, away]);
    if (signature === this.shown) return;
    this.shown = signature;

    this.nearbyList.replaceChildren(...rows.map((p) => this.row(p.name, p.muted, () => {
      if (p.muted) this.mutes.unmute(p.id, p.name);
      else {
        this.mutes.mute(p.id, p.name);
        this.onMute(p.id);
      }
    }, p.id)));
    this.nearbyNote.textContent = rows.length === 0 ? t().nobodyNear : t().mutedNote;
    this.mutedTitle.classList.toggle("hidden", away.length === 0);
    this.mutedList.replaceChildren(...away.map((name) => this.row(name, true, () => this.mutes.unmute(undefined, name))));
  }

  private row(name: string, muted: boolean, toggle: () => void, id?: string): HTMLLIElement {
    const row = el("li", muted ? "player-row muted" : "player-row");
    if (id !== undefined) row.dataset.id = id;
    const label = el("span", "player-name", name);
    label.title = name;
    const m = t();
    const button = el("button", "player-mute", muted ? m.unmute : m.mute);
    button.type = "button";
    button.setAttribute("aria-pressed", String(muted));
    button.setAttribute("aria-label", muted ? m.unmuteName(name) : m.muteName(name));
    button.addEventListener("click", (e) => {
      toggle();
      if (e.detail > 0) button.blur();
    });
    row.append(label, button);
    return row;
  }
}
