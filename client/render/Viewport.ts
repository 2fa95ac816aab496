/**
 * Screen geometry in one place. The canvas is sized in device pixels (CSS size x DPR) and shown
 * at its CSS size, so Phaser draws crisp on high-DPI screens; cameras then zoom by the DPR so one
 * world unit is still one CSS pixel (times `viewZoom`, which backs away a little on small
 * screens so a phone sees about as much pond around its tadpole as a laptop does).
 */
export class Viewport {
  cssWidth = 1;
  cssHeight = 1;
  dpr = 1;
  viewZoom = 1;

  /** Re-reads the window; true when anything changed. */
  measure(): boolean {
    const w = Math.max(1, window.innerWidth);
    const h = Math.max(1, window.innerHeight);
    let dpr = Math.min(window.devicePixelRatio || 1, 3);
    // Cap the canvas around 4K: a giant high-DPI window would otherwise cost fill-rate for
    // sharpness nobody can see.
    const maxPixels = 3840 * 2160;
    if (w * h * dpr * dpr > maxPixels) dpr = Math.max(1, Math.sqrt(maxPixels / (w * h)));
    const short = Math.min(w, h);
    const viewZoom = short < 640 ? Math.max(0.72, short / 640) : 1;
    const changed = w !== this.cssWidth || h !== this.cssHeight || dpr !== this.dpr || viewZoom !== this.viewZoom;
    this.cssWidth = w;
    this.cssHeight = h;
    this.dpr = dpr;
    this.viewZoom = viewZoom;
    return changed;
  }

  /** Canvas size in device pixels. */
  get pixelWidth(): number {
    return Math.round(this.cssWidth * this.dpr);
  }

  get pixelHeight(): number {
    return Math.round(this.cssHeight * this.dpr);
  }

  /** How much pond the screen shows, in world units. */
  get worldWidth(): number {
    return this.cssWidth / this.viewZoom;
  }

  get worldHeight(): number {
    return this.cssHeight / this.viewZoom;
  }

  /** Calls `onChange` whenever the window's size or pixel ratio changes. Returns an unsubscribe. */
  watch(onChange: () => void): () => void {
    const check = (): void => {
      if (this.measure()) onChange();
    };
    let query: MediaQueryList | undefined;
    // A DPR change (browser zoom, moving to another monitor) fires no resize everywhere; a
    // resolution media query for the current ratio does, and is re-armed each time.
    const arm = (): void => {
      query?.removeEventListener("change", onDpr);
      query = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      query.addEventListener("change", onDpr);
    };
    const onDpr = (): void => {
      arm();
      check();
    };
    arm();
    window.addEventListener("resize", check);
    window.visualViewport?.addEventListener("resize", check);
    return () => {
      query?.removeEventListener("change", onDpr);
      window.removeEventListener("resize", check);
      window.visualViewport?.removeEventListener("resize", check);
    };
  }
}
