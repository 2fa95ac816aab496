import WebSocket from "ws";
import type { ManagedProcess } from "../../../kit/process.ts";

/**
 * The server's V8 inspector (started with --inspect=127.0.0.1:0, loopback only), used for one
 * thing: a full garbage collection before reading the heap, so a memory comparison measures
 * what is retained, not what happens not to have been collected yet.
 */
export class Inspector {
  private nextId = 1;
  private constructor(private readonly ws: WebSocket) {}

  static async attach(proc: ManagedProcess, timeoutMs = 10_000): Promise<Inspector> {
    const match = await proc.waitForOutput(/Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/, timeoutMs);
    const ws = new WebSocket(match[1], { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new Inspector(ws);
  }

  call(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.ws.off("message", onMessage); reject(new Error(`inspector ${method} timed out`)); }, timeoutMs);
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        clearTimeout(timer);
        this.ws.off("message", onMessage);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      };
      this.ws.on("message", onMessage);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    await this.call("HeapProfiler.collectGarbage");
  }

  close(): void {
    this.ws.terminate();
  }
}
