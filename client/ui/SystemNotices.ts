import type { Notice } from "../../shared/protocol.ts";
import { noticeText, onLangChange, t } from "../i18n/index.ts";
import { strokedIcon } from "./icon.ts";

/** How long a notice stays up (ms), and how many stack at once. */
const SHOWN_MS = 8_000;
const MAX_SHOWN = 3;

/** A shield with an exclamation mark: drawn by the page, so no chat line can carry it. */
function shieldIcon(): SVGSVGElement {
  return strokedIcon(
    ["M12 3l7.5 3v5.5c0 4.6-3.2 8.4-7.5 9.8-4.3-1.4-7.5-5.2-7.5-9.8V6z", "M12 8.2v4.3", "M12 15.6v.3"],
    1.8,
    { "stroke-linecap": "round", "stroke-linejoin": "round" },
  );
}

/**
 * Messages from the server itself (MessageType.notice: "you are chatting too fast", "that name
 * is taken here"), drawn where and as no chat line can be: dark cards in their own strip at the
 * top of the screen, each with the page's shield icon and the label "Pond", fixed to the screen.
 * Chat lines are only ever light bubbles over the tadpole that said them (render/ChatBubble.ts),
 * and their text goes in through textContent, so a line such as "[SERVER] Alice was banned"
 * shows as a bubble over its speaker, never as one of these. Notice text too goes in through
 * textContent. Sits above the bubbles' layer. The words are the player's language's, by the
 * notice's code (i18n noticeText; the server's own text for a code we do not know), and the
 * cards shown say them again when the language is switched.
 */
export class SystemNotices {
  private readonly root: HTMLDivElement;
  private readonly timers = new Map<HTMLElement, ReturnType<typeof setTimeout>>();
  /** What each card shown says, as the server sent it. */
  private readonly notices = new Map<HTMLElement, Notice>();

  constructor(parent: HTMLElement) {
    this.root = document.createElement("div");
    this.root.className = "system-notices";
    this.root.setAttribute("role", "log");
    this.root.setAttribute("aria-live", "polite");
    this.root.setAttribute("aria-label", t().noticesLabel);
    parent.appendChild(this.root);
    onLangChange(() => {
      this.root.setAttribute("aria-label", t().noticesLabel);
      for (const [card, notice] of this.notices) this.fill(card, notice);
    });
  }

  show(notice: Notice): void {
    // The same notice again (a throttled line after another): keep one card, up for longer.
    const last = this.root.lastElementChild as HTMLElement | null;
    if (last && last.dataset.code === notice.code && last.querySelector(".system-notice-text")?.textContent === noticeText(notice)) {
      this.expireLater(last);
      return;
    }
    const card = document.createElement("div");
    card.className = "system-notice";
    card.dataset.code = notice.code;
    const icon = shieldIcon();
    icon.classList.add("system-notice-icon");
    const from = document.createElement("span");
    from.className = "system-notice-from";
    const text = document.createElement("span");
    text.className = "system-notice-text";
    card.append(icon, from, text);
    this.notices.set(card, notice);
    this.fill(card, notice);
    this.root.appendChild(card);
    this.expireLater(card);
    while (this.root.children.length > MAX_SHOWN) this.remove(this.root.firstElementChild as HTMLElement);
  }

  /** Texts of the notices now shown, oldest first. */
  texts(): string[] {
    return [...this.root.querySelectorAll(".system-notice-text")].map((el) => el.textContent ?? "");
  }

  /** The card's label and words, in the language shown now (textContent only). */
  private fill(card: HTMLElement, notice: Notice): void {
    const from = card.querySelector(".system-notice-from");
    const text = card.querySelector(".system-notice-text");
    if (from) from.textContent = t().noticeFrom;
    if (text) text.textContent = noticeText(notice);
  }

  private expireLater(card: HTMLElement): void {
    clearTimeout(this.timers.get(card));
    this.timers.set(card, setTimeout(() => this.remove(card), SHOWN_MS));
  }

  private remove(card: HTMLElement): void {
    clearTimeout(this.timers.get(card));
    this.timers.delete(card);
    this.notices.delete(card);
    card.remove();
  }
}
