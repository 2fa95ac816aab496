import type { PondSound } from "../audio/PondSound.ts";
import { onLangChange, t } from "../i18n/index.ts";
import { strokedIcon } from "./icon.ts";
import "./soundButton.css";

/** A speaker: with two sound waves when on, with a cross when off. */
function speakerIcon(on: boolean): SVGSVGElement {
  const speaker = "M4 9.5h3.2L12 5.6v12.8l-4.8-3.9H4z";
  return strokedIcon(on
    ? [speaker, "M15.5 9.2a4 4 0 0 1 0 5.6", "M18.1 6.6a7.6 7.6 0 0 1 0 10.8"]
    : [speaker, "M16 9.5l5 5", "M21 9.5l-5 5"], 1.7, { "stroke-linecap": "round", "stroke-linejoin": "round" });
}

/**
 * The sound toggle, beside the name field: a speaker, pressed (aria-pressed) while sound is on.
 * Its click is the gesture that lets the browser start the audio (client/audio/PondSound.ts).
 * Its name stays "Sound" whatever the state (the pressed state says on or off); the tooltip
 * says what a click does.
 */
export class SoundButton {
  readonly element: HTMLButtonElement;

  constructor(parent: HTMLElement, private readonly sound: PondSound) {
    this.element = document.createElement("button");
    this.element.type = "button";
    this.element.className = "sound-button";
    this.element.addEventListener("click", (e) => {
      this.sound.toggle();
      // A mouse or touch click leaves no focus behind (the keys belong to the pond and the chat).
      if (e.detail > 0) this.element.blur();
    });
    parent.appendChild(this.element);
    sound.onChange(() => this.render());
    onLangChange(() => this.render());
    this.render();
  }

  private render(): void {
    const on = this.sound.on;
    const m = t();
    this.element.replaceChildren(speakerIcon(on));
    this.element.setAttribute("aria-pressed", String(on));
    this.element.setAttribute("aria-label", m.sound);
    this.element.title = on ? m.soundOnTitle : m.soundOffTitle;
  }
}
