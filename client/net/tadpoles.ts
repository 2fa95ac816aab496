import type { DecodedEntity } from "../../shared/stream/decoder.ts";
import type { Pose } from "../../shared/pose.ts";
import type { OwnBody, Tadpole } from "../../shared/state.ts";

/**
 * A tadpole as the client knows it: who it is (its entry in the state: name, colour, away) and
 * where it is (its body in the position stream; for our own, the exact body the server sent).
 * Read-only to the game; the net layer keeps it current. Draw it at `PondConnection.pose()`:
 * these fields are the latest authoritative values, not what to show this frame.
 */
export interface PondTadpole extends Readonly<Pose> {
  readonly sessionId: string;
  /** Its short id in the position stream. */
  readonly id: number;
  readonly name: string;
  readonly hue: number;
  readonly away: boolean;
  /** Its player has done nothing for a while (IDLE_FADE_SECONDS): drawn faded. */
  readonly idle: boolean;
  /** How grown it is (shared/growth.ts), 0 until it first eats. */
  readonly level: number;
  /** The body the stream (or, for our own, the server) keeps current. */
  readonly body: Readonly<Pose>;
}

/** A PondTadpole over the two objects the net layer updates in place. */
class KnownTadpole implements PondTadpole {
  constructor(readonly sessionId: string, readonly identity: Tadpole, readonly body: Pose) {}
  get id(): number { return this.identity.id; }
  get name(): string { return this.identity.name; }
  get hue(): number { return this.identity.hue; }
  get away(): boolean { return this.identity.away; }
  // Unset until the tadpole was first idle (the field has no default: it costs nothing at a join).
  get idle(): boolean { return this.identity.idle === true; }
  // Unset until it first grew (no default either).
  get level(): number { return this.identity.level ?? 0; }
  get x(): number { return this.body.x; }
  get y(): number { return this.body.y; }
  get angle(): number { return this.body.angle; }
  get speed(): number { return this.body.speed; }
}

export interface RosterEvents {
  /** A tadpole is known in full (identity and body): draw it from now on. */
  appear(tadpole: PondTadpole, own: boolean): void;
  /** It left this client's view, or the pond. */
  vanish(tadpole: PondTadpole, own: boolean): void;
}

/**
 * Joins the two halves the server sends separately: identities (schema entries, keyed by
 * session id, each naming its stream id) and bodies (stream entities, keyed by stream id). A
 * tadpole appears when both are here, and vanishes when either goes; ours appears with our
 * exact body instead of its stream entity.
 */
export class Roster {
  /** Every tadpole known in full, by session id (ours included). */
  readonly bySession = new Map<string, PondTadpole>();
  private readonly identities = new Map<number, { sessionId: string; tadpole: Tadpole }>();
  private readonly bodies = new Map<number, DecodedEntity>();
  private ownIdentity: Tadpole | undefined;
  private ownBodyKnown = false;

  constructor(private readonly ownSessionId: string, private readonly ownBody: OwnBody, private readonly events: RosterEvents) {}

  /** Our own tadpole, once known in full. */
  get own(): PondTadpole | undefined {
    return this.bySession.get(this.ownSessionId);
  }

  identityAdded(sessionId: string, tadpole: Tadpole): void {
    if (sessionId === this.ownSessionId) {
      this.vanish(sessionId);
      this.ownIdentity = tadpole;
      if (this.ownBodyKnown) this.appear(sessionId, tadpole, this.ownBody);
      return;
    }
    const previous = this.identities.get(tadpole.id);
    if (previous !== undefined && previous.sessionId !== sessionId) this.vanish(previous.sessionId);
    this.vanish(sessionId);
    this.identities.set(tadpole.id, { sessionId, tadpole });
    const body = this.bodies.get(tadpole.id);
    if (body !== undefined) this.appear(sessionId, tadpole, body);
  }

  identityRemoved(sessionId: string, tadpole: Tadpole): void {
    if (sessionId === this.ownSessionId) {
      if (this.ownIdentity === tadpole) this.ownIdentity = undefined;
    } else if (this.identities.get(tadpole.id)?.sessionId === sessionId) {
      this.identities.delete(tadpole.id);
    }
    this.vanish(sessionId);
  }

  bodyEntered(entity: DecodedEntity): void {
    this.bodies.set(entity.id, entity);
    const identity = this.identities.get(entity.id);
    if (identity !== undefined && !this.bySession.has(identity.sessionId)) this.appear(identity.sessionId, identity.tadpole, entity);
  }

  bodyLeft(entity: DecodedEntity): void {
    if (this.bodies.get(entity.id) === entity) this.bodies.delete(entity.id);
    const identity = this.identities.get(entity.id);
    if (identity !== undefined && this.bySession.get(identity.sessionId)?.body === entity) this.vanish(identity.sessionId);
  }

  /** The server sent our exact body (copied into `ownBody` by the caller). */
  ownBodyArrived(): void {
    this.ownBodyKnown = true;
    if (this.ownIdentity !== undefined && !this.bySession.has(this.ownSessionId)) this.appear(this.ownSessionId, this.ownIdentity, this.ownBody);
  }

  private appear(sessionId: string, identity: Tadpole, body: Pose): void {
    const tadpole = new KnownTadpole(sessionId, identity, body);
    this.bySession.set(sessionId, tadpole);
    this.events.appear(tadpole, sessionId === this.ownSessionId);
  }

  private vanish(sessionId: string): void {
    const tadpole = this.bySession.get(sessionId);
    if (tadpole === undefined) return;
    this.bySession.delete(sessionId);
    this.events.vanish(tadpole, sessionId === this.ownSessionId);
  }
}
