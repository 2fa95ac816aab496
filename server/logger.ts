import pino from "pino";

/** Structured JSON logs on stdout, one logger per process; rooms log through child loggers. */
export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { pid: process.pid } });
}
export type Logger = pino.Logger;
