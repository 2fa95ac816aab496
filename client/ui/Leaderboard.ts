import type { PondState } from "../../shared/state.ts";
import { onLangChange, t } from "../i18n/index.ts";

/** The server updates the leaderboard once a second; reading it as often shows every change. */
const REFRESH_MS = 1000;

/** What the board reads: the pond's state, who we are, and whether we see any food. */
export interface LeaderSource {
  readonly sessionId: string;
  readonly room: { readonly state: PondState | undefined };
  readonly stream: { readonly food: { readonly specks: ReadonlyMap<number, unknown> } };
}

/**
 * The pond's largest, in a corner: up to five names with their mass (what each has eaten, less
 * hunger), ours marked, and the best the pond has seen since it opened. It reads the state's
 * `leaders` and `best` (updated by the server once a second) on a timer of the same period, and
 * touches the DOM only when the text changed.
 */
export class Leaderboard {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly best: HTMLElement;
  private source: LeaderSource | undefined;
  private shown = "";

  constructor(parent: HTMLElement) {
    this.element = document.createElement("section");
    this.element.className = "leaderboard";
    this.title = document.createElement("h2");
    this.list = document.createElement("ol");
    this.best = document.createElement("p");
    this.best.className = "leaderboard-best";
    this.element.append(this.title, this.list, this.best);
    this.element.hidden = true;
    parent.appendChild(this.element);
    // The board lives as long as the page.
    setInterval(() => this.refresh(), REFRESH_MS);
    onLangChange(() => {
      this.shown = "";
      this.refresh();
    });
  }

  /** The connection whose pond to show (undefined between ponds). */
  setSource(source: LeaderSource | undefined): void {
    this.source = source;
    this.refresh();
  }

  /** What the board shows now, as text lines (tests read it). */
  lines(): string[] {
    return [...this.list.children].map((li) => li.textContent ?? "");
  }

  refresh(): void {
    const state = this.source?.room.state;
    const leaders = state?.leaders;
    if (!state || !leaders) {
      this.element.hidden = true;
      return;
    }
    const me = state.tadpoles?.get(this.source!.sessionId)?.name;
    const rows: Array<{ text: string; own: boolean }> = [];
    for (let i = 0; i < leaders.length; i++) {
      const leader = leaders.at(i);
      if (leader === undefined) continue;
      rows.push({ text: t().leaderEntry(i + 1, leader.name, leader.mass), own: leader.name === me });
    }
    const best = state.best;
    const bestText = best && (best.mass ?? 0) > 0 ? t().bestEver(best.name, best.mass) : "";
    // A pond without food (FOOD_COUNT=0) has nothing to rank: no board, rather than a hint to eat nothing.
    if (rows.length === 0 && bestText === "" && this.source!.stream.food.specks.size === 0) {
      this.element.hidden = true;
      this.shown = "";
      return;
    }
    const key = `${t().largest}|${rows.map((r) => `${r.own ? "*" : ""}${r.text}`).join("|")}|${bestText}`;
    if (key === this.shown) return;
    this.shown = key;
    this.element.hidden = false;
    this.title.textContent = t().largest;
    this.list.replaceChildren(...rows.map((row) => {
      const li = document.createElement("li");
      li.textContent = row.text;
      if (row.own) li.className = "own";
      return li;
    }));
    if (rows.length === 0) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = t().nobodyFed;
      this.list.append(li);
    }
    this.best.textContent = bestText;
    this.best.hidden = bestText === "";
  }
}
