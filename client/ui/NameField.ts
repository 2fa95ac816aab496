import { NAME_MAX_LENGTH } from "../../shared/constants.ts";
import { onLangChange, t } from "../i18n/index.ts";

const STORAGE_KEY = "tadpole-pond.name";

/** The name remembered from last time, if any (storage can be unavailable: private mode). */
export function storedName(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY)?.trim() || undefined;
  } catch {
    return undefined;
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // Not remembering is fine.
  }
}

/**
 * A small name field in the bottom-left corner: shows your name as the pond knows it, and
 * renames you on Enter. It never blocks joining; a first-time player sees a gentle hint.
 */
export class NameField {
  private readonly input: HTMLInputElement;
  private shown = "";

  constructor(parent: HTMLElement, private readonly rename: (name: string) => void) {
    const form = document.createElement("form");
    form.className = "name-field";
    form.autocomplete = "off";
    const label = document.createElement("span");
    label.className = "name-icon";
    label.textContent = "✎";
    label.setAttribute("aria-hidden", "true");
    this.input = document.createElement("input");
    this.input.type = "text";
    this.input.maxLength = NAME_MAX_LENGTH;
    this.input.enterKeyHint = "done";
    this.input.spellcheck = false;
    const relabel = (): void => {
      this.input.placeholder = t().namePlaceholder;
      this.input.setAttribute("aria-label", t().nameLabel);
    };
    relabel();
    onLangChange(relabel);
    if (!storedName()) form.classList.add("hint");
    form.append(label, this.input);
    parent.appendChild(form);

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.commit();
      this.input.blur();
    });
    this.input.addEventListener("focus", () => this.input.select());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        this.input.value = this.shown;
        this.input.blur();
      }
      e.stopPropagation();
    });
    this.input.addEventListener("blur", () => {
      this.commit();
      form.classList.remove("hint");
    });
  }

  /** Shows the server's (sanitized) name for us, unless the player is editing it. */
  show(name: string): void {
    if (name === this.shown) return;
    this.shown = name;
    if (document.activeElement !== this.input) this.input.value = name;
  }

  private commit(): void {
    const name = this.input.value.trim();
    if (!name || name === this.shown) {
      this.input.value = this.shown;
      return;
    }
    rememberName(name);
    this.rename(name);
  }
}
