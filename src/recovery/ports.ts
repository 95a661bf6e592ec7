import type { ConnectorView, RecoveryRecord, RuleTarget, Severity } from './model';

/**
 * What the reconciler needs from the outside world. The SDK adapter implements these over AWS;
 * tests implement them in memory. Each method is one AWS call (plus the SDK's own retries).
 */
export interface ConnectorApi {
  /** The connector with exactly this name (ListConnectors is a prefix match), or undefined. */
  findByName(name: string): Promise<ConnectorView | undefined>;
  /** State of a connector operation, e.g. RESTART_IN_PROGRESS. */
  operationState(operationArn: string): Promise<string | undefined>;
  /** Starts RestartConnector (of the failed tasks only, with `onlyFailedTasks`); returns the operation ARN. */
  restart(connectorArn: string, onlyFailedTasks?: boolean): Promise<string | undefined>;
  /** Starts DeleteConnector (asynchronous). */
  delete(connectorArn: string, currentVersion?: string): Promise<void>;
  /** Starts CreateConnector (asynchronous); resolves quietly when the name already exists. */
  create(request: Record<string, unknown>): Promise<void>;
  /**
   * The connector as it runs (`DescribeConnector`), or undefined when it does not exist. Holds its
   * configuration, passwords included: compare it, never log or store it.
   */
  describe(connectorArn: string): Promise<Record<string, unknown> | undefined>;
  /** The connector's tags (`ListTagsForResource`), or undefined when it does not exist. */
  tags(connectorArn: string): Promise<Record<string, string> | undefined>;
  /** The latest properties text of a worker configuration, or undefined when `revision` is not the latest. */
  workerProperties(workerConfigurationArn: string, revision: number): Promise<string | undefined>;
}

export interface ConfigSource {
  /** The stored CreateConnector request text, or undefined when the object does not exist. */
  read(): Promise<string | undefined>;
}

export interface AlarmReader {
  /** The composite alarm; `missing` when it does not exist (then INSUFFICIENT_DATA with actions disabled, so that nothing is started). */
  read(): Promise<{ state: string; actionsEnabled: boolean; triggeredBy?: string[]; missing?: boolean }>;
}

export interface OffsetCommitCounter {
  /** How many offset commits the guard's metric filter counted from `startMs` to `endMs` (0 when none). */
  count(startMs: number, endMs: number): Promise<number>;
}

export interface RuleReader {
  /** Each target that invokes this function of an EventBridge rule on the default event bus, with its rule. */
  targets(): Promise<RuleTarget[]>;
}

export interface Notifier {
  /** Sends one notice; its severity lets a fleet hold the others for its digest, never a CRITICAL one. */
  publish(subject: string, message: string, severity?: Severity): Promise<void>;
}

/** A stored record with the version the store uses for optimistic locking. */
export interface Leased {
  readonly record: RecoveryRecord;
  readonly version: number;
}

export interface StateStore {
  /**
   * Reads the record and takes the lease, unless another run holds an unexpired one.
   * @returns undefined when the lease is held elsewhere or was lost in a race
   */
  acquire(owner: string, now: number, leaseMs: number): Promise<Leased | undefined>;
  /**
   * Writes the record if nobody else wrote since `version`; keeps the lease unless `release`.
   * @throws LeaseLostError when the version moved
   */
  save(record: RecoveryRecord, version: number, owner: string, now: number, leaseMs: number, release: boolean): Promise<Leased>;
  /** Reads the record without taking the lease or writing anything (the drill); the initial record before the first run. */
  peek(): Promise<RecoveryRecord>;
}

export class LeaseLostError extends Error {
  constructor() {
    super('another run took over the recovery record; stopping this run');
    this.name = 'LeaseLostError';
  }
}

export interface Clock {
  now(): number;
}

/** Structured log and metrics sink (Powertools in the Lambda; a recorder in tests). */
export interface Telemetry {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  metric(name: string, value: number, unit: 'Count' | 'Seconds', dimensions?: Record<string, string>): void;
}

export interface Ports {
  readonly connectors: ConnectorApi;
  readonly config: ConfigSource;
  readonly alarm: AlarmReader;
  /** The offset commits counted for the connector; only the drill reads them (absent: not checked). */
  readonly offsetCommits?: OffsetCommitCounter;
  /** The EventBridge rules that invoke the function; only the drill reads them (absent: its own ARN is not known). */
  readonly rules?: RuleReader;
  readonly notifier: Notifier;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}
