import { DEFAULT_NAME } from "../../shared/constants.ts";
import { isSuffixed } from "../../shared/nameSuffix.ts";
import { LANGS, t, TABLES } from "../i18n/index.ts";
import { guestNameIn, guestPick } from "../ui/guestName.ts";
import { rememberName, storedName } from "../ui/NameField.ts";

/**
 * The name this page joins with: `?name=` for links and tests, else the one remembered, else this
 * browser's guest name ("Pollywog 37", ui/guestName.ts: drawn on the first visit and remembered),
 * which follows the language until the player picks a name of their own.
 */
export class PlayerName {
  private name: string | undefined;
  /** Swimming under the guest name: until the player picks a name. */
  private asGuest: boolean;
  private readonly guest: ReturnType<typeof guestPick> | undefined;

  constructor(params: URLSearchParams) {
    this.name = params.get("name")?.trim() || storedName();
    this.asGuest = !this.name;
    this.guest = this.asGuest ? guestPick(t().guestWords.length) : undefined;
    if (this.guest) this.name = guestNameIn(this.guest, t());
  }

  /** The name to join with. */
  get current(): string | undefined {
    return this.name;
  }

  /** The player picked `name` (the name field). */
  chosen(name: string): void {
    this.name = name;
    this.asGuest = false;
  }

  /**
   * The server says our name is `name`. Remember a name set in any way (name field or a
   * `name: …` chat line) for next visit and for the next pond; not the number the server added
   * because the name was taken here, nor our own guest name's echo.
   */
  heard(name: string): void {
    if (name === this.name || name === DEFAULT_NAME || isSuffixed(name, this.name ?? "") || this.ourGuestName(name)) return;
    this.name = name;
    this.asGuest = false;
    rememberName(name);
  }

  /** The language changed: a guest's name now reads in it ("Pollywog 37" becomes "小蝌蚪 37"). Returns the new name, if it changed. */
  relabel(): string | undefined {
    if (!this.asGuest || !this.guest) return undefined;
    const name = guestNameIn(this.guest, t());
    if (name === this.name) return undefined;
    this.name = name;
    return name;
  }

  /**
   * Whether `name` is this browser's guest name in any language (or the server's numbering of it):
   * the echo of a rename the language switch made, which may arrive after the next switch.
   */
  private ourGuestName(name: string): boolean {
    const guest = this.guest;
    if (!this.asGuest || !guest) return false;
    return LANGS.some((l) => {
      const own = guestNameIn(guest, TABLES[l]);
      return name === own || isSuffixed(name, own);
    });
  }
}
