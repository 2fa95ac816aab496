import { createConnection } from "node:net";

/**
 * Just enough Redis for test setup and the local cluster (FLUSHDB, PING): one command per
 * connection, RESP over a plain socket, no client library.
 */
export async function redisCommand(redisUrl: string, ...args: string[]): Promise<string> {
  const url = new URL(redisUrl);
  if (url.protocol !== "redis:") throw new Error(`kit/redis.ts speaks plain redis:// only, got ${redisUrl}`);
  const db = Number(url.pathname.replace(/^\//, "") || "0");
  const commands: string[][] = [];
  if (url.password) commands.push(url.username ? ["AUTH", decodeURIComponent(url.username), decodeURIComponent(url.password)] : ["AUTH", decodeURIComponent(url.password)]);
  if (db !== 0) commands.push(["SELECT", String(db)]);
  commands.push(args);
  const payload = commands.map(encode).join("");

  return await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis ${args[0]} timed out`));
    }, 5000);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(payload));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const replies = splitSimpleReplies(buffer);
      if (replies.length < commands.length) return;
      clearTimeout(timer);
      socket.end();
      const failed = replies.find((r) => r.startsWith("-"));
      if (failed) reject(new Error(`redis: ${failed.slice(1)}`));
      else resolve(replies[replies.length - 1]);
    });
  });
}

/** Same URL, database `db`. */
export function redisUrlWithDb(redisUrl: string, db: number): string {
  const url = new URL(redisUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Replies we expect here are single-line (+OK, -ERR, :n); anything else is returned raw. */
function splitSimpleReplies(buffer: string): string[] {
  return buffer.split("\r\n").filter((line) => line.length > 0);
}
