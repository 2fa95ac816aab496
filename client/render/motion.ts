/**
 * Whether the player asked the system for less motion (`prefers-reduced-motion: reduce`), kept
 * current when they change it while playing. With it on: no drifting water hue, no breathing
 * camera zoom, no twinkling or parallax of the specks.
 */
export class MotionPreference {
  private value: boolean;
  private readonly query: MediaQueryList | undefined;
  private readonly onChange = (e: MediaQueryListEvent): void => {
    this.value = e.matches;
  };

  constructor() {
    this.query = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-reduced-motion: reduce)") : undefined;
    this.value = this.query?.matches ?? false;
    this.query?.addEventListener("change", this.onChange);
  }

  get reduced(): boolean {
    return this.value;
  }

  dispose(): void {
    this.query?.removeEventListener("change", this.onChange);
  }
}
