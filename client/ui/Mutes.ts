import { currentKeyer, loadFullKeyer } from "./nameKeys.ts";

const STORAGE_KEY = "tadpole-pond.muted";
/** Names remembered at most; muting one more forgets the oldest. */
const MAX_REMEMBERED = 200;

/**
 * Players this browser does not want to read: their chat bubbles are not drawn.
 *
 * Who a mute points at. There are no accounts, and a session id is new on every visit (and on
 * every pond move), so a mute that should still hold tomorrow has to name the player by their
 * name, the only thing they bring back. It is kept as the name's lookalike keys
 * (shared/names.ts nameKeys: "Mallory", "MALLORY" and "Маllory" with a Cyrillic М are one;
 * the table behind them loads when first needed, see ui/nameKeys.ts), in
 * localStorage, and the server keeps those keys unique within a pond, so a remembered mute
 * matches at most one player in a pond at a time. The trade-offs:
 * - a muted player who comes back under another name is not muted (during the visit the mute
 *   also follows the session, so renaming does not shake it off until they leave);
 * - whoever later takes a name that looks like a muted one is muted too (unmute is one click in
 *   the pond panel's list);
 * - a Guest (the default name) is anyone: muting one lasts for this visit only.
 * The rejected alternative, a random id each browser keeps and the server shows everyone, would
 * be a tracking id handed to every player, and as easy to reset as a name is to change.
 */
export class Mutes {
  /** Remembered names, oldest first. */
  private remembered: string[];
  private keys = new Set<string>();
  /** Sessions muted during this visit, with the name they were muted under. */
  private readonly sessions = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem"> | undefined = localStorageOrNothing()) {
    this.remembered = this.load();
    this.reindex();
    // Remembered mutes match by lookalike keys: fetch the table now (most pages have none to match).
    if (this.remembered.length > 0) this.loadKeys();
  }

  /** Resolves once mutes match by lookalike keys (the table is loaded; see ui/nameKeys.ts). */
  ready(): Promise<void> {
    return this.loadKeys();
  }

  private loadKeys(): Promise<void> {
    return loadFullKeyer().then(() => this.changed(), () => undefined);
  }

  /** Whether the player with session `id`, now called `name` (if known), is muted. */
  isMuted(id: string, name: string | undefined): boolean {
    if (this.sessions.has(id)) return true;
    const keyer = currentKeyer();
    if (name === undefined || keyer.isDefault(name)) return false;
    return keyer.keys(name).some((key) => this.keys.has(key));
  }

  mute(id: string, name: string): void {
    this.sessions.set(id, name);
    void this.loadKeys();
    const keyer = currentKeyer();
    if (!keyer.isDefault(name)) {
      const keys = keyer.keys(name);
      this.remembered = this.remembered.filter((n) => !keyer.keys(n).some((k) => keys.includes(k)));
      this.remembered.push(name);
      if (this.remembered.length > MAX_REMEMBERED) this.remembered.splice(0, this.remembered.length - MAX_REMEMBERED);
      this.save();
    }
    this.changed();
  }

  /**
   * Unmutes the player with session `id` (if given) now called `name`: the session, the name,
   * and the name they were muted under if they renamed since.
   */
  unmute(id: string | undefined, name: string): void {
    const keyer = currentKeyer();
    const drop = new Set(keyer.keys(name));
    if (id !== undefined) {
      const mutedAs = this.sessions.get(id);
      if (mutedAs !== undefined) for (const key of keyer.keys(mutedAs)) drop.add(key);
      this.sessions.delete(id);
    }
    this.remembered = this.remembered.filter((n) => !keyer.keys(n).some((k) => drop.has(k)));
    this.save();
    this.changed();
  }

  /** The remembered names, oldest first. */
  get names(): readonly string[] {
    return this.remembered;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.reindex();
    for (const listener of this.listeners) listener();
  }

  private reindex(): void {
    const keyer = currentKeyer();
    this.keys = new Set(this.remembered.flatMap((n) => keyer.keys(n)));
  }

  /** Names only: the keys are computed again, so a newer lookalike table applies to old mutes. */
  private load(): string[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(STORAGE_KEY) ?? "[]");
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((n): n is string => typeof n === "string" && n.length > 0 && n.length <= 200).slice(-MAX_REMEMBERED);
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.remembered));
    } catch {
      // Not remembering is fine: the mute still holds for this visit.
    }
  }
}

function localStorageOrNothing(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}
