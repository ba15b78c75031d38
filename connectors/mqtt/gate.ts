/**
 * The hub's bound on MQTT messages taken and not yet settled (committed, dead-lettered or
 * failed), across all its connections. A broker's in-flight window cannot be relied on for it:
 * Mosquitto 2.0.11 kept sending one subscriber over 20,000 unacknowledged QoS 1 messages while
 * PUBACKs were flowing, past its max_inflight_messages of 1,000, and a storm of 120,000 alarms
 * queued 74,000 of them in the hub until its heap ran out. When the bound is reached, the
 * connector stops reading (mqtt.js reads a connection's next packet only after the previous
 * one's callback; aedes a client's next batch only after the last one's), so TCP pushes back
 * and the broker keeps the rest queued in the hub's session.
 */
export class IntakeGate {
  #pending = 0;
  readonly #parked: Array<() => void> = [];
  readonly #idle: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`IntakeGate: limit must be a positive integer, got ${limit}`);
  }

  /** messages taken and not yet settled */
  get pending(): number { return this.#pending; }

  /** readers waiting for room */
  get parked(): number { return this.#parked.length; }

  /** Counts a message taken until `settled` resolves or rejects. */
  take(settled: Promise<unknown>): void {
    this.#pending++;
    const done = () => {
      this.#pending--;
      this.#release();
      if (this.#isIdle()) this.#idle.splice(0).forEach((resolve) => resolve());
    };
    settled.then(done, done);
  }

  /** Calls `next` (read on) now if there is room, else once there is, in the order asked. */
  whenOpen(next: () => void): void {
    if (this.#pending < this.limit && this.#parked.length === 0) next();
    else this.#parked.push(next);
  }

  /** Resolves once nothing is pending and no reader is parked (every parked reader has been let on). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #isIdle(): boolean { return this.#pending === 0 && this.#parked.length === 0; }

  #release(): void {
    while (this.#parked.length > 0 && this.#pending < this.limit) this.#parked.shift()!();
  }
}
