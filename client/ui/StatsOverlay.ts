import type { NetStats } from "../net/PondConnection.ts";

/** Extra numbers the client itself knows. */
export interface ClientStats {
  fps: number;
  tadpoles: number;
  onScreen: number;
}

const REFRESH_MS = 250;

function fmt(value: number | undefined, digits: number, unit: string): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : `${value.toFixed(digits)}${unit}`;
}

/** A figure not measured yet (NaN: no answer, no ack so far) shows as a dash, never as 0. */
function measured(value: number | undefined, unit: string): string {
  if (value === undefined) return "n/a";
  return Number.isFinite(value) ? `${value.toFixed(0)}${unit}` : "–";
}

function bytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "n/a";
  return value >= 1024 ? `${(value / 1024).toFixed(1)} KB/s` : `${value.toFixed(0)} B/s`;
}

/**
 * The network-stats panel (F3 or backquote, or `?stats=1`): the round trip (a ping), the time
 * from an input to its acknowledgement (round trip + the server's tick wait and input cushion),
 * jitter, patches/s, bytes/s down, corrections/s and how far behind others are drawn, plus frame
 * rate. It refreshes a few times a second, not every frame, through textContent.
 */
export class StatsOverlay {
  private readonly el: HTMLPreElement;
  private visible: boolean;
  private lastRefresh = -Infinity;

  constructor(parent: HTMLElement, initiallyVisible: boolean) {
    this.el = document.createElement("pre");
    this.el.className = "stats";
    this.el.setAttribute("aria-live", "off");
    parent.appendChild(this.el);
    this.visible = initiallyVisible;
    this.el.classList.toggle("hidden", !this.visible);
    window.addEventListener("keydown", (e) => {
      if ((e.code === "F3" || e.code === "Backquote") && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        this.toggle();
      }
    });
  }

  toggle(): void {
    this.visible = !this.visible;
    this.el.classList.toggle("hidden", !this.visible);
    this.lastRefresh = -Infinity;
  }

  get shown(): boolean {
    return this.visible;
  }

  /** `net` is undefined when disconnected or when the net layer has no stats() yet. */
  update(now: number, net: NetStats | undefined, client: ClientStats): void {
    if (!this.visible || now - this.lastRefresh < REFRESH_MS) return;
    this.lastRefresh = now;
    this.el.textContent =
      `fps        ${client.fps.toFixed(0)}\n` +
      `tadpoles   ${client.tadpoles} (${client.onScreen} on screen)\n` +
      `ping       ${measured(net?.rttMs, " ms")}\n` +
      `input→ack  ${measured(net?.inputAckMs, " ms")}\n` +
      `jitter     ${fmt(net?.jitterMs, 1, " ms")}\n` +
      `patches    ${fmt(net?.patchesPerSecond, 1, "/s")}\n` +
      `down       ${bytes(net?.bytesPerSecondDown)}\n` +
      `corrected  ${fmt(net?.correctionsPerSecond, 1, "/s")}\n` +
      `interp     ${fmt(net?.interpolationDelayMs, 0, " ms")}`;
  }
}
