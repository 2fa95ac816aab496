/**
 * Process-wide admission limits: players per process and connections per IP address. Shared by
 * every pond of the process on purpose (the limits protect the process, not one pond).
 */
export class Admission {
  private players = 0;
  private readonly perIp = new Map<string, number>();

  constructor(public maxPlayers: number, public maxPerIp: number) {}

  /** Why `ip` may not join now, or null if it may (and it is then counted). */
  admit(ip: string | undefined): "process_full" | "too_many_connections" | null {
    if (this.players >= this.maxPlayers) return "process_full";
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count >= this.maxPerIp) return "too_many_connections";
    this.perIp.set(key, count + 1);
    this.players++;
    return null;
  }

  release(ip: string | undefined): void {
    const key = ip ?? "unknown";
    const count = this.perIp.get(key) ?? 0;
    if (count <= 1) this.perIp.delete(key);
    else this.perIp.set(key, count - 1);
    if (this.players > 0) this.players--;
  }

  get playerCount(): number {
    return this.players;
  }
}

/** This process's limits; server/app.ts sets them from the config. */
export const admission = new Admission(Infinity, Infinity);
