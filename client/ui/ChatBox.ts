import { CHAT_MAX_LENGTH } from "../../shared/constants.ts";
import { isTypingTarget } from "../input/Steering.ts";
import { strokedIcon } from "./icon.ts";

/** A speech-bubble icon. */
function chatIcon(): SVGSVGElement {
  return strokedIcon(
    ["M4 5.5C4 4.67 4.67 4 5.5 4h13c.83 0 1.5.67 1.5 1.5v9c0 .83-.67 1.5-1.5 1.5H10l-4.2 3.6c-.33.28-.8.05-.8-.38V16h-.5C3.67 16 3 15.33 3 14.5z"],
    1.6,
    { "stroke-linejoin": "round" },
  );
}

/**
 * The chat line: Enter opens it, Enter sends, Escape cancels. A small button opens it on touch
 * screens, which have no Enter key to start with. Sending `name: Bob` renames (the server
 * parses it, as in the original game).
 */
export class ChatBox {
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private isOpen = false;
  private readonly onKey: (e: KeyboardEvent) => void;

  constructor(parent: HTMLElement, private readonly send: (text: string) => void, private readonly onOpenChange: (open: boolean) => void) {
    this.form = document.createElement("form");
    this.form.className = "chat hidden";
    this.form.autocomplete = "off";
    this.input = document.createElement("input");
    this.input.type = "text";
    this.input.enterKeyHint = "send";
    // A little slack over the server's limit so a `name: ` prefix still fits; the server cuts.
    this.input.maxLength = CHAT_MAX_LENGTH + 20;
    this.input.placeholder = "Say something…  (name: Bob renames you)";
    this.input.setAttribute("aria-label", "Chat message");
    this.form.appendChild(this.input);
    parent.appendChild(this.form);

    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "chat-button";
    this.button.appendChild(chatIcon());
    this.button.title = "Chat (Enter)";
    this.button.setAttribute("aria-label", "Open chat");
    parent.appendChild(this.button);

    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (text) this.send(text);
      this.close();
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.close();
      }
      // Keys typed here belong to the text, not to the game.
      e.stopPropagation();
    });
    this.input.addEventListener("blur", () => this.close());
    this.button.addEventListener("click", () => (this.isOpen ? this.close() : this.openBox()));

    this.onKey = (e: KeyboardEvent): void => {
      if (e.key !== "Enter" || e.isComposing || this.isOpen || isTypingTarget(e.target)) return;
      e.preventDefault();
      this.openBox();
    };
    window.addEventListener("keydown", this.onKey);
  }

  get open(): boolean {
    return this.isOpen;
  }

  openBox(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.form.classList.remove("hidden");
    this.input.value = "";
    this.input.focus();
    this.onOpenChange(true);
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.form.classList.add("hidden");
    this.input.value = "";
    this.input.blur();
    this.onOpenChange(false);
  }

  dispose(): void {
    window.removeEventListener("keydown", this.onKey);
    this.form.remove();
    this.button.remove();
  }
}
