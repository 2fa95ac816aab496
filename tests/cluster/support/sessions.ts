import { PondSession, type PondSessionOptions, type SessionStatus } from "../../../client/net/PondSession.ts";
import { waitFor } from "../../../kit/waitFor.ts";

/**
 * PondSessions a test opened, with what each one saw, so every test can close them all in
 * afterEach / afterAll whatever happened.
 */
export class SessionPool {
  readonly sessions: RecordedSession[] = [];

  open(options: PondSessionOptions): RecordedSession {
    const record = new RecordedSession(options);
    this.sessions.push(record);
    return record;
  }

  /** Opens a session and waits (with a deadline) until it is connected. */
  async join(options: PondSessionOptions, timeoutMs = 10_000): Promise<RecordedSession> {
    const record = this.open(options);
    await record.connected(timeoutMs);
    return record;
  }

  async closeAll(): Promise<void> {
    const all = this.sessions.splice(0);
    await Promise.all(all.map((r) => r.session.close().catch(() => undefined)));
  }
}

export class RecordedSession {
  readonly session: PondSession;
  readonly statuses: SessionStatus[] = [];
  readonly added: string[] = [];
  readonly removed: string[] = [];
  readonly ponds: string[] = [];

  constructor(options: PondSessionOptions) {
    this.session = new PondSession(options, {
      onStatus: (status) => this.statuses.push(status),
      onAdd: (id) => this.added.push(id),
      onRemove: (id) => this.removed.push(id),
      onPondChanged: (roomId) => this.ponds.push(roomId),
    });
    // start() retries by itself; a rejection only means it gave up, which tests see as a timeout.
    this.session.start().catch(() => undefined);
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.session.status === "connected" && this.session.connection?.self !== undefined, {
      timeoutMs,
      message: `${this.session.name ?? "session"} to be connected with its tadpole`,
      describe: () => ({ status: this.session.status, statuses: this.statuses, counts: this.session.counts }),
    });
  }
}
