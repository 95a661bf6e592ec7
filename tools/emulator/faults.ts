import type { LogParams, ServiceName } from './wire';

/**
 * What an `onRequest` hook can ask the server to do with a call:
 * - `'drop'`: destroy the connection before the call is processed (no state change; the SDK sees a socket error and may retry).
 * - `'drop-after'`: process the call (state changes happen) but destroy the connection instead of answering,
 *   like a caller that dies or loses the response right after the server acted.
 * - `'hang'`: never answer; the socket stays open until `stop()`. The caller is stuck forever, i.e. "killed" mid-flow.
 * Returning nothing processes the call normally.
 */
export type HookAction = 'drop' | 'drop-after' | 'hang';

/**
 * Called for every decoded call before faults and processing. It may be async (the call waits for it).
 * If it throws, the connection is dropped as with `'drop'`.
 */
export type RequestHook = (service: ServiceName, operation: string, params: LogParams) =>
HookAction | void | Promise<HookAction | void>;

/** Lifecycle durations in milliseconds. `Infinity` makes the transition never finish ("stuck"). */
export interface Durations {
  /** CREATING -> RUNNING (or FAILED). */
  createMs: number;
  /** DELETING -> gone. */
  deleteMs: number;
  /** RESTARTING -> RUNNING; the restart operation completes at the same moment. */
  restartMs: number;
  /** How long a restart operation reports PENDING before RESTART_IN_PROGRESS (capped at restartMs). */
  restartPendingMs: number;
}

export const DEFAULT_DURATIONS: Readonly<Durations> = {
  createMs: 5 * 60_000,
  deleteMs: 60_000,
  restartMs: 60_000,
  restartPendingMs: 5_000,
};

/**
 * A service error of the test's choosing (see {@link Faults.reject}). The message may be built from the
 * request body, as AWS messages sometimes quote what they were sent.
 */
export interface Rejection {
  /** HTTP status, 400 to 599. */
  readonly status: number;
  /** The error code, e.g. `BadRequestException`. */
  readonly code: string;
  /** The message, or a function of the request body (the raw text as the client sent it; '' when none). */
  readonly message: string | ((body: string) => string);
}

/** An injected error returned instead of processing a call. */
export interface InjectedError {
  readonly kind: 'throttle' | 'server-error' | 'reject';
  /** Throttling error code override (e.g. DynamoDB `ProvisionedThroughputExceededException`); the code of a rejection. */
  readonly code?: string;
  /** HTTP status for server errors (500 or 503) and rejections. */
  readonly status?: number;
  /** The message of a rejection. */
  readonly message?: Rejection['message'];
}

interface Armed extends InjectedError {
  readonly service: ServiceName;
  readonly operation: string;
  remaining: number;
}

/** Fault injection switches. Durations are read when a transition starts, so changing them affects later transitions only. */
export class Faults {
  /** See {@link RequestHook}. */
  public onRequest: RequestHook | undefined;
  public readonly durations: Durations;

  private readonly armed: Armed[] = [];
  private readonly createFailures = new Map<string, number>();
  private readonly restartFailures = new Map<string, number>();
  private readonly uselessRestarts = new Set<string>();

  constructor(durations: Partial<Durations> = {}) {
    this.durations = { ...DEFAULT_DURATIONS };
    this.setDurations(durations);
  }

  /** The next `count` calls to (service, operation) get the service's throttling error. `operation` '*' matches any. */
  public throttle(service: ServiceName, operation: string = '*', count: number = 1, code?: string): void {
    this.arm({ service, operation, remaining: count, kind: 'throttle', code });
  }

  /** The next `count` calls to (service, operation) get a 5xx in the service's error shape (status 500 or 503). */
  public serverError(service: ServiceName, operation: string = '*', count: number = 1, status: 500 | 503 = 500): void {
    this.arm({ service, operation, remaining: count, kind: 'server-error', status });
  }

  /**
   * The next `count` calls to (service, operation) are refused with `rejection`, in the service's error
   * shape, without being processed (no state change). A message function sees the request body, so a
   * test can have CreateConnector answer `400 BadRequestException` quoting a configuration value.
   */
  public reject(service: ServiceName, operation: string, rejection: Rejection, count: number = 1): void {
    const { status, code, message } = rejection;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new Error(`Faults.reject: status must be an integer from 400 to 599, got ${status}`);
    }
    if (code.length === 0) {
      throw new Error('Faults.reject: code must not be empty');
    }
    this.arm({ service, operation, remaining: count, kind: 'reject', status, code, message });
  }

  public setDurations(durations: Partial<Durations>): void {
    for (const [key, value] of Object.entries(durations)) {
      if (value === undefined) {
        continue;
      }
      if (!(key in DEFAULT_DURATIONS) || typeof value !== 'number' || Number.isNaN(value) || value < 0) {
        throw new Error(`Faults.setDurations: invalid ${key}=${String(value)}`);
      }
      this.durations[key as keyof Durations] = value;
    }
  }

  /** The next CreateConnector for `connectorName` ends in FAILED instead of RUNNING (one-shot; calls accumulate). */
  public failNextCreate(connectorName: string): void {
    this.createFailures.set(connectorName, (this.createFailures.get(connectorName) ?? 0) + 1);
  }

  /** The next RestartConnector for `connectorName` ends RESTART_FAILED; the connector returns to RUNNING unchanged. */
  public failNextRestart(connectorName: string): void {
    this.restartFailures.set(connectorName, (this.restartFailures.get(connectorName) ?? 0) + 1);
  }

  /** While enabled, restarts of `connectorName` complete but leave its health as it was. */
  public restartDoesNotHelp(connectorName: string, enabled: boolean = true): void {
    if (enabled) {
      this.uselessRestarts.add(connectorName);
    } else {
      this.uselessRestarts.delete(connectorName);
    }
  }

  /** Clears armed errors, connector faults and the hook; restores default durations. */
  public reset(): void {
    this.armed.length = 0;
    this.createFailures.clear();
    this.restartFailures.clear();
    this.uselessRestarts.clear();
    this.onRequest = undefined;
    Object.assign(this.durations, DEFAULT_DURATIONS);
  }

  /** Number of injected errors still armed (handy to assert that all were consumed). */
  public pendingErrors(): number {
    return this.armed.reduce((sum, a) => sum + a.remaining, 0);
  }

  /** @internal Consumes and returns the first armed error matching the call, if any. */
  public takeInjected(service: ServiceName, operation: string): InjectedError | undefined {
    const index = this.armed.findIndex(a => a.service === service && (a.operation === '*' || a.operation === operation));
    if (index < 0) {
      return undefined;
    }
    const hit = this.armed[index];
    hit.remaining -= 1;
    if (hit.remaining <= 0) {
      this.armed.splice(index, 1);
    }
    return { kind: hit.kind, code: hit.code, status: hit.status, message: hit.message };
  }

  /** @internal */
  public consumeCreateFailure(connectorName: string): boolean {
    return consume(this.createFailures, connectorName);
  }

  /** @internal */
  public consumeRestartFailure(connectorName: string): boolean {
    return consume(this.restartFailures, connectorName);
  }

  /** @internal */
  public isRestartUseless(connectorName: string): boolean {
    return this.uselessRestarts.has(connectorName);
  }

  private arm(entry: Armed): void {
    if (!Number.isInteger(entry.remaining) || entry.remaining < 1) {
      throw new Error(`Faults: count must be a positive integer, got ${entry.remaining}`);
    }
    this.armed.push(entry);
  }
}

/** Decrements a one-shot counter; true when one was armed. */
function consume(counts: Map<string, number>, key: string): boolean {
  const n = counts.get(key) ?? 0;
  if (n <= 0) {
    return false;
  }
  if (n === 1) {
    counts.delete(key);
  } else {
    counts.set(key, n - 1);
  }
  return true;
}
