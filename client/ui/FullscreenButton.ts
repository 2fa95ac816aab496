import { onLangChange, t } from "../i18n/index.ts";
import { strokedIcon } from "./icon.ts";

/** Four corners pointing out (enter) or in (leave). */
function cornersIcon(out: boolean): SVGSVGElement {
  return strokedIcon(out
    ? ["M4 9V4h5", "M15 4h5v5", "M20 15v5h-5", "M9 20H4v-5"]
    : ["M9 4v5H4", "M20 9h-5V4", "M15 20v-5h5", "M4 15h5v5"], 1.8, { "stroke-linecap": "round", "stroke-linejoin": "round" });
}

type FullscreenDocument = Document & { webkitFullscreenEnabled?: boolean; webkitFullscreenElement?: Element | null; webkitExitFullscreen?: () => void };
type FullscreenElement = HTMLElement & { webkitRequestFullscreen?: () => void };

function fullscreenElement(): Element | null {
  const doc = document as FullscreenDocument;
  return doc.fullscreenElement ?? doc.webkitFullscreenElement ?? null;
}

/**
 * Whether to offer the button: a touch screen (a phone or tablet, where the browser's bars take
 * a good part of a small screen; a computer has its own key for it), a browser that can go
 * full screen, and a page not already installed full screen (the manifest asks for it).
 */
export function offersFullscreen(): boolean {
  const doc = document as FullscreenDocument;
  const able = doc.fullscreenEnabled === true || doc.webkitFullscreenEnabled === true;
  const touch = matchMedia("(pointer: coarse)").matches;
  const installed = matchMedia("(display-mode: fullscreen), (display-mode: standalone)").matches;
  return able && touch && !installed;
}

/** A full-screen toggle for phones, beside the name field. */
export class FullscreenButton {
  readonly element: HTMLButtonElement;

  constructor(parent: HTMLElement) {
    this.element = document.createElement("button");
    this.element.type = "button";
    this.element.className = "fullscreen-button";
    this.element.addEventListener("click", (e) => {
      void this.toggle();
      if (e.detail > 0) this.element.blur();
    });
    parent.appendChild(this.element);
    document.addEventListener("fullscreenchange", () => this.render());
    document.addEventListener("webkitfullscreenchange", () => this.render());
    onLangChange(() => this.render());
    this.render();
  }

  private async toggle(): Promise<void> {
    const doc = document as FullscreenDocument;
    try {
      if (fullscreenElement()) {
        if (doc.exitFullscreen) await doc.exitFullscreen();
        else doc.webkitExitFullscreen?.();
      } else {
        const root = document.documentElement as FullscreenElement;
        if (root.requestFullscreen) await root.requestFullscreen({ navigationUI: "hide" });
        else root.webkitRequestFullscreen?.();
      }
    } catch {
      // Refused (no user gesture, a browser policy): the page stays as it is.
    }
  }

  private render(): void {
    const on = fullscreenElement() !== null;
    const label = on ? t().exitFullscreen : t().fullscreen;
    this.element.replaceChildren(cornersIcon(!on));
    this.element.title = label;
    this.element.setAttribute("aria-label", label);
  }
}
