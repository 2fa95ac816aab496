import { onLangChange } from "../i18n/index.ts";

/**
 * Words to show: as they are, or a function that says them in the language shown now (the
 * banner and the toast say them again when the language is switched).
 */
export type Words = string | (() => string);

const say = (words: Words): string => (typeof words === "function" ? words() : words);

/**
 * A centred banner for connection trouble ("connection lost — reconnecting…"), with a retry
 * button when the session has given up (offline), and a short toast for server notices such as
 * chat throttling. Text only, through textContent.
 */
export class ConnectionBanner {
  private readonly banner: HTMLDivElement;
  private readonly text: HTMLSpanElement;
  private readonly retry: HTMLButtonElement;
  private readonly toast: HTMLDivElement;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private onRetry: (() => void) | undefined;
  /** What the banner, its button and the toast say now, to say again in another language. */
  private bannerWords: Words = "";
  private retryWords: Words = "";
  private toastWords: Words = "";

  constructor(parent: HTMLElement) {
    this.banner = document.createElement("div");
    this.banner.className = "banner hidden";
    this.banner.setAttribute("role", "status");
    this.text = document.createElement("span");
    this.retry = document.createElement("button");
    this.retry.type = "button";
    this.retry.className = "banner-retry";
    this.retry.addEventListener("click", () => {
      const retry = this.onRetry;
      this.hide();
      retry?.();
    });
    parent.appendChild(this.banner);
    this.toast = document.createElement("div");
    this.toast.className = "toast hidden";
    this.toast.setAttribute("role", "status");
    parent.appendChild(this.toast);
    onLangChange(() => {
      this.text.textContent = say(this.bannerWords);
      this.retry.textContent = say(this.retryWords);
      this.toast.textContent = say(this.toastWords);
    });
  }

  /** A passing state (joining, reconnecting, moving): text only, gently pulsing. */
  show(text: Words): void {
    this.onRetry = undefined;
    this.bannerWords = text;
    this.text.textContent = say(text);
    // Only the text: the banner's textContent is exactly what it says.
    this.banner.replaceChildren(this.text);
    this.banner.classList.remove("offline", "hidden");
  }

  /** A stop (kicked, gave up): the message and a button that tries again. */
  offline(text: Words, retryLabel: Words, onRetry: () => void): void {
    this.onRetry = onRetry;
    this.bannerWords = text;
    this.retryWords = retryLabel;
    this.text.textContent = say(text);
    this.retry.textContent = say(retryLabel);
    this.banner.replaceChildren(this.text, this.retry);
    this.banner.classList.add("offline");
    this.banner.classList.remove("hidden");
  }

  hide(): void {
    this.onRetry = undefined;
    this.banner.classList.add("hidden");
    if (this.banner.contains(document.activeElement)) this.retry.blur();
  }

  notify(text: Words, ms = 3500): void {
    this.toastWords = text;
    this.toast.textContent = say(text);
    this.toast.classList.remove("hidden");
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.toast.classList.add("hidden"), ms);
  }
}
