import { codeSegments, onLangChange, t } from "../i18n/index.ts";

const STORAGE_KEY = "tadpole-pond.welcomed";

type Store = Pick<Storage, "getItem" | "setItem">;

function localStorageOrNothing(): Store | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The first minute: a short card on a player's first visit saying how to swim, chat and take a
 * name, worded for the screen in hand (mouse and keys, or a finger and the chat button). It
 * goes once the player swims (main.ts calls dismiss on the first stroke) or closes it, and is
 * then remembered as seen (localStorage), so it never shows again in this browser. It does
 * not take presses: a press on it reaches the pond and swims, which is what it says to do.
 */
export class WelcomeCard {
  private card: HTMLElement | undefined;
  private readonly offLang: () => void;

  constructor(parent: HTMLElement, private readonly storage: Store | undefined = localStorageOrNothing()) {
    let seen = false;
    try {
      seen = this.storage?.getItem(STORAGE_KEY) === "1";
    } catch {
      seen = false;
    }
    if (seen) {
      this.offLang = () => undefined;
      return;
    }
    const card = document.createElement("section");
    card.className = "welcome";
    this.card = card;
    parent.appendChild(card);
    this.render();
    this.offLang = onLangChange(() => this.render());
  }

  /** Whether the card is up. */
  get shown(): boolean {
    return this.card !== undefined;
  }

  /** Takes the card away for good (remembered as seen). */
  dismiss(): void {
    const card = this.card;
    if (!card) return;
    this.card = undefined;
    this.offLang();
    try {
      this.storage?.setItem(STORAGE_KEY, "1");
    } catch {
      // Not remembering is fine: it shows once more next time.
    }
    if (card.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
    card.classList.add("gone");
    const remove = (): void => card.remove();
    card.addEventListener("transitionend", remove, { once: true });
    // No transition (reduced motion): remove it anyway.
    setTimeout(remove, 500);
  }

  private render(): void {
    const card = this.card;
    if (!card) return;
    const m = t();
    const touch = matchMedia("(pointer: coarse)").matches;
    card.setAttribute("aria-label", m.welcomeTitle);
    const title = document.createElement("h2");
    title.className = "welcome-title";
    title.textContent = m.welcomeTitle;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "welcome-close";
    close.textContent = "×";
    close.title = m.welcomeClose;
    close.setAttribute("aria-label", m.welcomeClose);
    close.addEventListener("click", () => this.dismiss());
    const list = document.createElement("ul");
    list.className = "welcome-lines";
    for (const line of [touch ? m.welcomeSwimTouch : m.welcomeSwimMouse, touch ? m.welcomeChatTouch : m.welcomeChatKeys, m.welcomeName]) {
      const item = document.createElement("li");
      for (const segment of codeSegments(line)) {
        const node = document.createElement(segment.code ? "code" : "span");
        node.textContent = segment.text;
        item.appendChild(node);
      }
      list.appendChild(item);
    }
    card.replaceChildren(title, close, list);
  }
}
