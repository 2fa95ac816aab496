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
        const text = textOf(args, false);
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
  console.warn = (...args: unknown[]) => logger.warn(textOf(args, true));
  console.error = (...args: unknown[]) => logger.error(textOf(args, true));
}

/**
 * The text of a log call: errors by their stack, strings as they are, and other values as JSON
 * (`withObjects`) or left out (pino's merging objects, which it writes as fields).
 */
function textOf(args: readonly unknown[], withObjects: boolean): string {
  const parts: string[] = [];
  for (const a of args) {
    const part = a instanceof Error ? a.stack ?? a.message : typeof a === "string" ? a : withObjects ? safeJson(a) : "";
    if (part !== "") parts.push(part);
  }
  return parts.join(" ");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

export type Logger = pino.Logger;
