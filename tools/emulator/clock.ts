/** A source of "now" in epoch milliseconds. All emulator lifecycles read time only through this. */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A manually driven clock for deterministic tests: time only moves when `advance` or `set` is called.
 * Because every lifecycle transition is derived from timestamps on each request, advancing this clock
 * is all a test needs to do to "wait" for a connector to finish creating, restarting or deleting.
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(startMs: number = Date.UTC(2026, 10, 28, 0, 0, 0)) {
    this.current = startMs;
  }

  public now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` (must be >= 0) and returns the new time. */
  public advance(ms: number): number {
    if (!(ms >= 0)) {
      throw new Error(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    }
    this.current += ms;
    return this.current;
  }

  /** Jumps to an absolute time; refuses to go backwards, since lifecycles assume monotonic time. */
  public set(ms: number): void {
    if (ms < this.current) {
      throw new Error(`FakeClock.set: time cannot go backwards (${ms} < ${this.current})`);
    }
    this.current = ms;
  }
}
