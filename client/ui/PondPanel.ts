import type { PondListing } from "../../shared/protocol.ts";
import { onLangChange, t } from "../i18n/index.ts";
import { strokedIcon } from "./icon.ts";

/** Refresh the list this often while it is open (ms). */
const OPEN_POLL_MS = 5_000;
/**
 * Refresh the player count this often while the list is closed (ms), and only while the tab is
 * visible: every open page polls, so the closed-state rate is what the server mostly sees.
 */
const CLOSED_POLL_MS = 30_000;
const FETCH_TIMEOUT_MS = 4_000;

/** The first characters of a room id: enough to tell ponds apart at a glance. */
export function shortPondId(roomId: string): string {
  return roomId.length > 6 ? roomId.slice(0, 5) : roomId;
}

function players(n: number): string {
  return t().players(n);
}

/** GET /ponds, validated: anything malformed is dropped rather than trusted. */
export async function fetchPonds(signal?: AbortSignal): Promise<PondListing[]> {
  const response = await fetch("/ponds", { cache: "no-store", signal });
  if (!response.ok) throw new Error(`GET /ponds: HTTP ${response.status}`);
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error("GET /ponds: not a list");
  const ponds: PondListing[] = [];
  for (const item of body) {
    if (typeof item !== "object" || item === null) continue;
    const { roomId, clients, maxClients } = item as Record<string, unknown>;
    if (typeof roomId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(roomId)) continue;
    if (typeof clients !== "number" || !Number.isFinite(clients)) continue;
    ponds.push({ roomId, clients: Math.max(0, Math.floor(clients)), maxClients: typeof maxClients === "number" && Number.isFinite(maxClients) ? maxClients : Infinity });
  }
  return ponds;
}

/** A box with an arrow leaving it: the share sheet's own sign. */
function shareIcon(): SVGSVGElement {
  return strokedIcon(
    ["M12 14V3.5", "M8 7.2l4-3.7 4 3.7", "M8.5 10.5H6.5a1.5 1.5 0 0 0-1.5 1.5v7a1.5 1.5 0 0 0 1.5 1.5h11a1.5 1.5 0 0 0 1.5-1.5v-7a1.5 1.5 0 0 0-1.5-1.5h-2"],
    1.8,
    { "stroke-linecap": "round", "stroke-linejoin": "round" },
  );
}

/** A chain-link icon. */
function linkIcon(): SVGSVGElement {
  return strokedIcon(
    ["M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1.2 1.2", "M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2"],
    1.8,
    { "stroke-linecap": "round" },
  );
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The session's status, as the panel shows it (the dot's colour; the label when not in a pond). */
export type PanelStatus = "connecting" | "connected" | "reconnecting" | "moving" | "offline";

export interface PondPanelHandlers {
  /** The player picked another pond from the list. */
  join(roomId: string): void;
  /** Copy (or otherwise hand out) the link to the current pond. */
  copyLink(roomId: string): void;
  /** Hand the link to the system's share sheet; given only where the browser has one (a share button shows then). */
  share?(roomId: string): void;
  /** The list was opened or closed (sections added with addSection refresh while it is open). */
  listShown?(open: boolean): void;
}

/**
 * The pond panel, top-left: the current pond's short id and player count, a copy-link button
 * (and a share button where the browser has a share sheet: handlers.share), and a toggle that
 * opens the list of ponds (GET /ponds) with a join button each, above any sections added with
 * addSection (the players nearby, to mute: ui/PlayerList.ts). The counts come
 * from the server's pond list, not from the state (which only holds the tadpoles in view).
 * Escape, or a touch on the pond, closes the list. Plain DOM, text through textContent only;
 * it never listens to the steering keys.
 */
export class PondPanel {
  private readonly root: HTMLDivElement;
  private readonly toggleButton: HTMLButtonElement;
  private readonly nameEl: HTMLSpanElement;
  private readonly countEl: HTMLSpanElement;
  private readonly copyButton: HTMLButtonElement;
  private readonly shareButton: HTMLButtonElement | undefined;
  private readonly listTitle: HTMLDivElement;
  private readonly listBox: HTMLDivElement;
  private readonly list: HTMLUListElement;
  private readonly note: HTMLParagraphElement;
  private pond: string | undefined;
  private linkStatus: PanelStatus = "connecting";
  private ponds: PondListing[] | undefined;
  private listFailed = false;
  private isOpen = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private followUp: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;

  constructor(parent: HTMLElement, private readonly handlers: PondPanelHandlers, closeOnPointerDownIn?: HTMLElement) {
    this.root = el("div", "pond-panel");

    const bar = el("div", "pond-bar");
    this.toggleButton = el("button", "pond-toggle");
    this.toggleButton.type = "button";
    this.toggleButton.setAttribute("aria-expanded", "false");
    this.toggleButton.setAttribute("aria-controls", "pond-list");
    this.nameEl = el("span", "pond-name");
    this.countEl = el("span", "pond-count");
    const chevron = el("span", "pond-chevron", "▾");
    chevron.setAttribute("aria-hidden", "true");
    this.toggleButton.append(el("span", "pond-dot"), this.nameEl, this.countEl, chevron);

    this.copyButton = el("button", "pond-copy");
    this.copyButton.type = "button";
    this.copyButton.appendChild(linkIcon());
    bar.append(this.toggleButton, this.copyButton);
    if (handlers.share) {
      this.shareButton = el("button", "pond-share");
      this.shareButton.type = "button";
      this.shareButton.appendChild(shareIcon());
      bar.append(this.shareButton);
    }

    this.listBox = el("div", "pond-list hidden");
    this.listBox.id = "pond-list";
    this.listBox.setAttribute("role", "region");
    this.listTitle = el("div", "pond-list-title");
    this.listBox.appendChild(this.listTitle);
    this.list = el("ul", "pond-rows");
    this.note = el("p", "pond-note");
    this.listBox.append(this.list, this.note);

    this.root.append(bar, this.listBox);
    parent.appendChild(this.root);

    this.toggleButton.addEventListener("click", (e) => {
      this.toggle();
      // A mouse or touch click should not leave focus on the button (keyboard users keep it).
      if (e.detail > 0) this.toggleButton.blur();
    });
    this.copyButton.addEventListener("click", (e) => {
      if (this.pond) this.handlers.copyLink(this.pond);
      if (e.detail > 0) this.copyButton.blur();
    });
    this.shareButton?.addEventListener("click", (e) => {
      if (this.pond) this.handlers.share?.(this.pond);
      if (e.detail > 0) this.shareButton?.blur();
    });
    window.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !this.isOpen) return;
      e.preventDefault();
      const hadFocus = this.root.contains(document.activeElement);
      this.close();
      if (hadFocus) this.toggleButton.focus();
    });
    closeOnPointerDownIn?.addEventListener("pointerdown", () => this.close());
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.schedule(0);
    });
    this.relabel();
    onLangChange(() => this.relabel());
  }

  /** This language's words on the buttons and the list, then everything the panel shows. */
  private relabel(): void {
    const m = t();
    this.toggleButton.title = m.ponds;
    this.copyButton.title = m.copyLink;
    this.copyButton.setAttribute("aria-label", m.copyLink);
    if (this.shareButton) {
      this.shareButton.title = m.share;
      this.shareButton.setAttribute("aria-label", m.share);
    }
    this.listBox.setAttribute("aria-label", m.ponds);
    this.listTitle.textContent = m.ponds;
    this.render();
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** The pond we are in (undefined while joining or offline). */
  setPond(roomId: string | undefined): void {
    if (roomId === this.pond) return;
    this.pond = roomId;
    this.render();
    if (roomId !== undefined) {
      // The count of a new pond: ask now, and once more shortly, as the server's listing of
      // its player count can trail our join by a moment.
      this.schedule(0);
      clearTimeout(this.followUp);
      this.followUp = setTimeout(() => this.schedule(0), 2000);
    }
  }

  setStatus(status: PanelStatus): void {
    if (status === this.linkStatus) return;
    this.linkStatus = status;
    this.render();
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.openList();
  }

  openList(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.listBox.classList.remove("hidden");
    this.toggleButton.setAttribute("aria-expanded", "true");
    this.render();
    this.schedule(0);
    this.handlers.listShown?.(true);
  }

  /** Adds a section under the list of ponds (the players nearby). */
  addSection(section: HTMLElement): void {
    this.listBox.appendChild(section);
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.listBox.classList.add("hidden");
    this.toggleButton.setAttribute("aria-expanded", "false");
    if (this.root.contains(document.activeElement) && document.activeElement !== this.toggleButton) {
      (document.activeElement as HTMLElement).blur();
    }
    this.schedule(CLOSED_POLL_MS);
    this.handlers.listShown?.(false);
  }

  /** The next refresh in `delayMs` (replacing any scheduled one). */
  private schedule(delayMs: number): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  private async refresh(): Promise<void> {
    clearTimeout(this.pollTimer);
    const next = this.isOpen ? OPEN_POLL_MS : CLOSED_POLL_MS;
    if (document.hidden || (!this.isOpen && this.pond === undefined)) {
      // Nothing to show: wait for the tab to come back or a pond to be joined.
      if (!document.hidden) this.schedule(next);
      return;
    }
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      this.ponds = await fetchPonds(controller.signal);
      this.listFailed = false;
    } catch {
      if (controller !== this.inFlight) return;
      this.listFailed = true;
    } finally {
      clearTimeout(timeout);
    }
    if (controller !== this.inFlight) return;
    this.inFlight = undefined;
    this.render();
    this.schedule(this.isOpen ? OPEN_POLL_MS : CLOSED_POLL_MS);
  }

  private render(): void {
    const pond = this.pond;
    const current = pond !== undefined ? this.ponds?.find((p) => p.roomId === pond) : undefined;
    this.root.dataset.status = this.linkStatus;
    const m = t();
    if (pond === undefined) {
      this.nameEl.textContent = this.linkStatus === "offline" ? m.notInPond : m.joiningPond;
      this.countEl.textContent = "";
      this.toggleButton.removeAttribute("data-pond");
    } else {
      this.nameEl.textContent = m.pond(shortPondId(pond));
      this.countEl.textContent = current ? players(current.clients) : "";
      this.toggleButton.dataset.pond = pond;
    }
    this.toggleButton.setAttribute("aria-label", pond === undefined
      ? (this.linkStatus === "offline" ? m.pondsNotInPond : m.pondsJoining)
      : m.pondToggle(pond, current ? players(current.clients) : undefined));
    this.copyButton.disabled = pond === undefined;
    if (this.shareButton) this.shareButton.disabled = pond === undefined;
    if (this.isOpen) this.renderList();
  }

  private renderList(): void {
    const m = t();
    const rows: HTMLLIElement[] = [];
    const ponds = [...(this.ponds ?? [])].sort((a, b) => b.clients - a.clients || a.roomId.localeCompare(b.roomId));
    for (const p of ponds) {
      const here = p.roomId === this.pond;
      const row = el("li", here ? "pond-row current" : "pond-row");
      row.dataset.pond = p.roomId;
      const id = el("span", "pond-row-id", shortPondId(p.roomId));
      id.title = p.roomId;
      const full = p.clients >= p.maxClients;
      const fill = el("span", "pond-row-count", Number.isFinite(p.maxClients) ? `${p.clients}/${p.maxClients}` : `${p.clients}`);
      fill.title = players(p.clients);
      let action: HTMLElement;
      if (here) {
        action = el("span", "pond-row-here", m.youAreHere);
      } else {
        const button = el("button", "pond-row-join", full ? m.full : m.join);
        button.type = "button";
        button.disabled = full;
        button.setAttribute("aria-label", m.joinPond(p.roomId));
        button.addEventListener("click", () => {
          this.close();
          this.handlers.join(p.roomId);
        });
        action = button;
      }
      row.append(id, fill, action);
      rows.push(row);
    }
    this.list.replaceChildren(...rows);
    if (this.ponds === undefined) this.note.textContent = this.listFailed ? m.pondsLoadFailed : m.pondsLoading;
    else if (this.listFailed) this.note.textContent = m.pondsRefreshFailed;
    else if (ponds.length === 0) this.note.textContent = m.noPonds;
    else this.note.textContent = m.pondsNote;
  }
}
