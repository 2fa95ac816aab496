import { Session } from "node:inspector/promises";

/**
 * A V8 CPU profile of this process over a window of its own choosing, for the load benchmark
 * (served only with BENCH_HOOKS=on): unlike `node --cpu-prof`, it leaves out start-up, the
 * crowd joining and shutdown, and covers just the steady state being measured.
 */
export class WindowProfiler {
  private session: Session | undefined;

  async start(): Promise<void> {
    if (this.session) throw new Error("a profile is already running");
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
    await session.post("Profiler.start");
    this.session = session;
  }

  /** Stops and returns the profile (the .cpuprofile JSON). */
  async stop(): Promise<object> {
    const session = this.session;
    if (!session) throw new Error("no profile is running");
    this.session = undefined;
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    return profile;
  }
}
