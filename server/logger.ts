import pino from "pino";
import { LogLimiter } from "./logLimiter.ts";

/**
 * Structured JSON logs on stdout, one logger per process; rooms log through child loggers.
 * Warnings and errors pass through a LogLimiter: one line per cause per interval, so nothing a
 * client does can make the server write more than a trickle (see server/logLimiter.ts).
 */
export function createLogger(level: string): pino.Logger {
  const limiter = new LogLimiter();
  return pino({
    level,
    base: { pid: process.pid },
    hooks: {
      logMethod(args, method, levelValue) {
        if (levelValue < 40) return method.apply(this, args); // below warn: as is
        const text = args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === "string" ? a : "")).filter(Boolean).join(" ");
        if (text === "") return method.apply(this, args);
        const line = limiter.admit(text, Date.now());
        if (line === undefined) return;
        // pino's (mergingObject, message) form: keep the first plain object, replace the message.
        const merging = args.find((a) => typeof a === "object" && a !== null && !(a instanceof Error));
        return merging === undefined ? method.call(this, line) : method.call(this, merging, line);
      },
    },
  });
}

/**
 * Libraries that write warnings straight to the console (the schema decoder on a garbage input
 * frame dumps a multi-line object) go through the same limit, as log lines.
 */
export function routeConsoleWarnings(logger: pino.Logger): void {
  const format = (args: unknown[]): string => args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === "string" ? a : safeJson(a))).join(" ");
  console.warn = (...args: unknown[]) => logger.warn(format(args));
  console.error = (...args: unknown[]) => logger.error(format(args));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

export type Logger = pino.Logger;
