import { CHAT_MAX_LENGTH } from "../../shared/constants.ts";
import { onLangChange, t } from "../i18n/index.ts";
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

const HISTORY_KEY = "tadpole-pond.chat-history";
/** Lines kept for ↑/↓. */
const HISTORY_MAX = 50;

/**
 * The lines you sent, oldest first, kept for the browser tab's session (sessionStorage: a
 * reload keeps them, a new tab starts afresh). Storage can be unavailable (private mode):
 * then they last as long as the page.
 */
export class ChatHistory {
  readonly lines: string[] = [];

  constructor(private readonly storage: Storage | undefined = sessionStorageOrUndefined()) {
    try {
      const saved: unknown = JSON.parse(this.storage?.getItem(HISTORY_KEY) ?? "[]");
      if (Array.isArray(saved)) {
        for (const line of saved) if (typeof line === "string" && line) this.lines.push(line);
        this.lines.splice(0, Math.max(0, this.lines.length - HISTORY_MAX));
      }
    } catch {
      // A damaged entry: start empty.
    }
  }

  add(line: string): void {
    // Saying the same thing twice in a row is one entry.
    if (this.lines[this.lines.length - 1] !== line) this.lines.push(line);
    if (this.lines.length > HISTORY_MAX) this.lines.splice(0, this.lines.length - HISTORY_MAX);
    try {
      this.storage?.setItem(HISTORY_KEY, JSON.stringify(this.lines));
    } catch {
      // Not remembering is fine.
    }
  }
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** One character a key types (not Enter, an arrow, F3…: those have longer names). */
function typedCharacter(e: KeyboardEvent): string | undefined {
  if (e.ctrlKey || e.metaKey) return undefined;
  // AltGr (reported as Alt, or Ctrl+Alt, on some systems) types characters; plain Alt does not.
  if (e.altKey && !e.getModifierState?.("AltGraph")) return undefined;
  return [...e.key].length === 1 ? e.key : undefined;
}

/** Buttons, links and the like take Enter and Space themselves. */
function activatesOnKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest("button, a[href], summary, select, [role='button']") !== null;
}

/**
 * The chat line, as in the original pond: just type. The first letter you type (anywhere but
 * another text field) opens the line with it, and you keep swimming while you type; Enter sends,
 * Esc cancels, ↑/↓ step through the lines you sent before. Enter on its own opens an empty line
 * (to start with ↑, or a letter the browser keeps for itself). A draft is never lost: tapping
 * the pond only takes the focus away (closing a phone's keyboard), and typing on continues it.
 * Phones have the chat button, since their keyboard needs a focused field to appear.
 * Sending `name: Bob` renames (the server parses it).
 */
export class ChatBox {
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private isOpen = false;
  private readonly history = new ChatHistory();
  /** Where ↑/↓ stand in the history; history.length is the draft being typed. */
  private recallAt = 0;
  /** The draft being typed, kept while ↑/↓ show older lines. */
  private pending = "";
  /** Whether the field had the focus when the chat button was pressed. */
  private focusedAtPress = false;
  private readonly onKey: (e: KeyboardEvent) => void;
  private readonly offLang: () => void;

  constructor(parent: HTMLElement, private readonly send: (text: string) => void) {
    this.form = document.createElement("form");
    this.form.className = "chat hidden";
    this.form.autocomplete = "off";
    this.input = document.createElement("input");
    this.input.type = "text";
    this.input.enterKeyHint = "send";
    // A little slack over the server's limit so a `name: ` prefix still fits; the server cuts.
    this.input.maxLength = CHAT_MAX_LENGTH + 20;
    this.form.appendChild(this.input);
    parent.appendChild(this.form);

    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "chat-button";
    this.button.appendChild(chatIcon());
    parent.appendChild(this.button);
    this.relabel();
    this.offLang = onLangChange(() => this.relabel());

    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (e) => {
      // Keys typed here belong to the text, not to the game.
      e.stopPropagation();
      if (e.isComposing) return;
      if (e.key === "Escape") {
        e.preventDefault();
        this.cancel();
      } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        // An arrow held down since before the line began (swimming) repeats: not a recall.
        if (!e.repeat) this.recall(e.key === "ArrowUp" ? -1 : 1);
      }
    });
    // Losing the focus (a tap on the pond, a click elsewhere) keeps the draft; only an empty line closes.
    this.input.addEventListener("blur", () => {
      if (this.input.value.trim() === "") this.close();
    });
    this.button.addEventListener("pointerdown", () => {
      this.focusedAtPress = document.activeElement === this.input;
    });
    this.button.addEventListener("click", () => {
      // An empty open line closes; otherwise the button brings up the line (and the keyboard).
      if (this.isOpen && this.focusedAtPress && this.input.value.trim() === "") this.close();
      else this.openBox();
      this.focusedAtPress = false;
    });

    this.onKey = (e: KeyboardEvent): void => this.onWindowKey(e);
    window.addEventListener("keydown", this.onKey);
  }

  /** Puts this language's words on the line and the button. */
  private relabel(): void {
    const m = t();
    this.input.placeholder = m.chatPlaceholder;
    this.input.setAttribute("aria-label", m.chatLabel);
    this.button.title = m.chatButtonTitle;
    this.button.setAttribute("aria-label", m.chatButton);
  }

  /** Whether the chat line is open (showing a draft, or waiting for one). */
  get open(): boolean {
    return this.isOpen;
  }

  /** The text in the line now. */
  get draft(): string {
    return this.input.value;
  }

  /** Opens the line (keeping any draft) and puts the caret at its end. */
  openBox(): void {
    if (!this.isOpen) {
      this.isOpen = true;
      this.form.classList.remove("hidden");
      this.input.value = "";
      this.recallAt = this.history.lines.length;
      this.pending = "";
    }
    this.focusAtEnd();
  }

  /** Sends the line (if it says anything), remembers it for ↑, and closes. */
  submit(): void {
    const text = this.input.value.trim();
    if (text) {
      this.history.add(text);
      this.send(text);
    }
    this.close();
  }

  /** Throws the draft away and closes. */
  cancel(): void {
    this.close();
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.form.classList.add("hidden");
    this.input.value = "";
    this.pending = "";
    if (document.activeElement === this.input) this.input.blur();
  }

  dispose(): void {
    window.removeEventListener("keydown", this.onKey);
    this.offLang();
    this.form.remove();
    this.button.remove();
  }

  /**
   * Keys that reach the window: not typed into the focused line (its own handler stops them)
   * nor into another field (the name), which keeps its keys.
   */
  private onWindowKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing || isTypingTarget(e.target)) return;
    const char = typedCharacter(e);
    if (e.key === "Enter" || char === " ") {
      if (activatesOnKeys(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Enter") {
        e.preventDefault();
        if (this.isOpen) this.submit();
        else this.openBox();
        return;
      }
      // A space opens no line, but continues one.
      if (!this.isOpen) return;
    }
    if (!this.isOpen) {
      if (char === undefined) return;
      e.preventDefault();
      this.openBox();
      this.insert(char);
      return;
    }
    // The line is open but lost the focus (a tap on the pond): these keys continue it.
    switch (e.key) {
      case "Escape":
        e.preventDefault();
        this.cancel();
        return;
      case "ArrowUp":
      case "ArrowDown":
        if (e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
        e.preventDefault();
        this.focusAtEnd();
        if (!e.repeat) this.recall(e.key === "ArrowUp" ? -1 : 1);
        return;
      case "Backspace":
        e.preventDefault();
        this.focusAtEnd();
        this.input.value = [...this.input.value].slice(0, -1).join("");
        return;
    }
    if (char !== undefined) {
      e.preventDefault();
      this.focusAtEnd();
      this.insert(char);
    }
  }

  /** Types `text` at the end of the line, as far as the field's length allows. */
  private insert(text: string): void {
    const input = this.input;
    if (input.value.length + text.length > input.maxLength) return;
    input.value += text;
    input.setSelectionRange(input.value.length, input.value.length);
  }

  private focusAtEnd(): void {
    const input = this.input;
    if (document.activeElement !== input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }

  /** Shows the line `step` back (−1, ↑) or forward (+1, ↓) in the history; past the newest, the draft. */
  private recall(step: -1 | 1): void {
    const lines = this.history.lines;
    const next = Math.max(0, Math.min(lines.length, this.recallAt + step));
    if (next === this.recallAt) return;
    if (this.recallAt === lines.length) this.pending = this.input.value;
    this.recallAt = next;
    this.input.value = next === lines.length ? this.pending : lines[next];
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }
}
