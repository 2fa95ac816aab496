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
  }

  /** A passing state (joining, reconnecting, moving): text only, gently pulsing. */
  show(text: string): void {
    this.onRetry = undefined;
    this.text.textContent = text;
    // Only the text: the banner's textContent is exactly what it says.
    this.banner.replaceChildren(this.text);
    this.banner.classList.remove("offline", "hidden");
  }

  /** A stop (kicked, gave up): the message and a button that tries again. */
  offline(text: string, retryLabel: string, onRetry: () => void): void {
    this.onRetry = onRetry;
    this.text.textContent = text;
    this.retry.textContent = retryLabel;
    this.banner.replaceChildren(this.text, this.retry);
    this.banner.classList.add("offline");
    this.banner.classList.remove("hidden");
  }

  hide(): void {
    this.onRetry = undefined;
    this.banner.classList.add("hidden");
    if (this.banner.contains(document.activeElement)) this.retry.blur();
  }

  notify(text: string, ms = 3500): void {
    this.toast.textContent = text;
    this.toast.classList.remove("hidden");
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.toast.classList.add("hidden"), ms);
  }
}
