/**
 * A centred banner for connection trouble ("connection lost — reconnecting…"), and a short
 * toast for server notices such as chat throttling. Text only, through textContent.
 */
export class ConnectionBanner {
  private readonly banner: HTMLDivElement;
  private readonly toast: HTMLDivElement;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(parent: HTMLElement) {
    this.banner = document.createElement("div");
    this.banner.className = "banner hidden";
    this.banner.setAttribute("role", "status");
    parent.appendChild(this.banner);
    this.toast = document.createElement("div");
    this.toast.className = "toast hidden";
    this.toast.setAttribute("role", "status");
    parent.appendChild(this.toast);
  }

  show(text: string): void {
    this.banner.textContent = text;
    this.banner.classList.remove("hidden");
  }

  hide(): void {
    this.banner.classList.add("hidden");
  }

  notify(text: string): void {
    this.toast.textContent = text;
    this.toast.classList.remove("hidden");
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.toast.classList.add("hidden"), 3500);
  }
}
