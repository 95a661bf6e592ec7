import { FakeClock, systemClock, type AwsEmulator, type ConnectorHealth, type ConnectorState, type PublishedMessage } from '../../tools/emulator';
import { GuardWorld, type WorldOptions } from '../../tools/simulate/world';

export const MINUTE = 60_000;

/** Offsets the seeded connector has committed when a test starts (unless it asks for others). */
export const DEFAULT_COMMITTED_OFFSETS = 1000;

/** What the world looked like when the test started, for `expectEnd` to compare against. */
interface Start {
  readonly arn: string;
  readonly offsetTopic: string;
  readonly committed: number;
}

const starts = new WeakMap<GuardWorld, Start>();

export interface StartOptions extends Partial<WorldOptions> {
  /** Offsets committed by the seeded connector before anything happens. Default DEFAULT_COMMITTED_OFFSETS. */
  readonly committedOffsets?: number;
}

/** A world on a fake clock with AWS-like API durations (restart 1 min, delete 1 min, create 2 min). */
export async function startWorld(options: StartOptions = {}): Promise<{ world: GuardWorld; clock: FakeClock }> {
  const { committedOffsets = DEFAULT_COMMITTED_OFFSETS, ...worldOptions } = options;
  const clock = new FakeClock();
  const world = await GuardWorld.start({
    clock,
    durations: { restartMs: MINUTE, restartPendingMs: 5_000, deleteMs: MINUTE, createMs: 2 * MINUTE },
    ...worldOptions,
  });
  recordStart(world, committedOffsets);
  return { world, clock };
}

/**
 * A world on the system clock, for the production handler (which reads `Date.now()`): pass short
 * `durations` so that its lifecycles end within milliseconds.
 */
export async function startLiveWorld(options: StartOptions & { durations: WorldOptions['durations'] }): Promise<GuardWorld> {
  const { committedOffsets = DEFAULT_COMMITTED_OFFSETS, ...worldOptions } = options;
  const world = await GuardWorld.start({ ...worldOptions, clock: systemClock });
  recordStart(world, committedOffsets);
  return world;
}

function recordStart(world: GuardWorld, committedOffsets: number): void {
  const { kafkaconnect } = world.emulator;
  const committed = kafkaconnect.commitOffsets(world.connectorName, committedOffsets);
  starts.set(world, { arn: world.connector()!.arn, offsetTopic: kafkaconnect.offsetTopic(world.connectorName), committed });
}

/** A world whose function EventBridge ticks: one guard's (`GuardWorld`) or a fleet's. */
export interface Ticking {
  tick(): Promise<unknown>;
  notices(): readonly PublishedMessage[];
}

/**
 * Plays the reconcile tick once a simulated minute until `done()` holds, as EventBridge would.
 * `monitor` runs before each tick: tests use it to play CloudWatch (e.g. clear the alarm once the
 * connector processes again).
 */
export async function tickUntil(
  world: Ticking, clock: FakeClock, done: () => boolean, monitor: () => void = () => undefined, maxMinutes = 90,
): Promise<number> {
  for (let minute = 0; minute < maxMinutes; minute++) {
    monitor();
    if (done()) {
      return minute;
    }
    clock.advance(MINUTE);
    monitor();
    await world.tick();
  }
  throw new Error(`not done after ${maxMinutes} simulated minutes; phase notices: ${world.notices().map((n) => n.subject).join(' | ')}`);
}

/** CloudWatch, simplified: the alarm is OK exactly when the connector is RUNNING and processing. */
export function alarmFollowsHealth(world: GuardWorld): () => void {
  return () => world.setAlarm(world.emulator.kafkaconnect.isProcessing(world.connectorName) ? 'OK' : 'ALARM');
}

/** The guard's persisted recovery record (DynamoDB), or undefined before its first run. */
export function guardRecord(world: GuardWorld): StoredRecord | undefined {
  return storedRecord(world.emulator, world.table, world.connectorName);
}

/** A connector's persisted recovery record: its phase (IDLE, ESCALATED, ...) and lease expiry. */
export interface StoredRecord {
  readonly phase: string;
  readonly escalation?: string;
  readonly leaseUntil: number;
}

/** The recovery record of `connectorName` in `table`, or undefined before its first run. */
export function storedRecord(emulator: AwsEmulator, table: string, connectorName: string): StoredRecord | undefined {
  const item = emulator.dynamodb.getItem(table, { pk: { S: connectorName } });
  if (!item) {
    return undefined;
  }
  const record = JSON.parse((item.record as { S: string }).S) as { phase: string; escalation?: string };
  return { ...record, leaseUntil: Number((item.leaseUntil as { N: string }).N) };
}

/** Every value of the stored connector configuration that must never reach a notice (credentials, hosts). */
function configSecrets(world: GuardWorld): string[] {
  const config = world.createRequest().connectorConfiguration as Record<string, string>;
  return Object.entries(config).filter(([k]) => /^database\.|password|secret|user/i.test(k)).map(([, v]) => v);
}

export interface ExpectedEnd {
  /** The connector with the guarded name at the end, or 'absent' when there is none. */
  readonly state: ConnectorState | 'absent';
  /** Its simulated health (invisible to the API), when the test cares. */
  readonly health?: ConnectorHealth;
  /** 'same': the ARN the test started with; 'new': re-created under another ARN. Ignored when absent. */
  readonly arn: 'same' | 'new';
  /**
   * 'kept': the connector (or, if absent, the most recent one) uses the starting offsets topic with the
   * offsets committed at the start; 'reset': another topic, starting from zero.
   */
  readonly offsets: 'kept' | 'reset';
  /** Subjects of every SNS message the guard published, in order (they start with the severity). */
  readonly subjects: readonly string[];
  /** The MSK Connect calls that changed something (and succeeded), in order. */
  readonly mutations: readonly string[];
  /** The guard's persisted phase at the end (IDLE, ESCALATED, ...). */
  readonly phase: string;
}

/**
 * The end-of-test check every end-to-end test makes: the emulator's final state (connector state and
 * ARN, committed offsets, the guard's phase) and the notifications (subjects and severities in order,
 * published to the guard's topic only, none carrying a value of the connector configuration).
 */
export function expectEnd(world: GuardWorld, expected: ExpectedEnd): void {
  const start = starts.get(world);
  if (!start) {
    throw new Error('expectEnd: the world was not created by startWorld or startLiveWorld');
  }
  const { kafkaconnect, sns, requests } = world.emulator;
  const connector = world.connector();

  // Connector
  if (expected.state === 'absent') {
    expect(connector).toBeUndefined();
  } else {
    expect(connector).toBeDefined();
    expect(connector!.state).toBe(expected.state);
    if (expected.health !== undefined) {
      expect(connector!.health).toBe(expected.health);
    }
    if (expected.arn === 'same') {
      expect(connector!.arn).toBe(start.arn);
    } else {
      expect(connector!.arn).not.toBe(start.arn);
      expect(connector!.arn).toMatch(new RegExp(`^arn:aws:kafkaconnect:[^:]+:\\d{12}:connector/${world.connectorName}/[^/]+$`));
    }
  }

  // Offsets
  const topic = kafkaconnect.offsetTopic(world.connectorName);
  if (expected.offsets === 'kept') {
    expect(topic).toBe(start.offsetTopic);
    expect(kafkaconnect.committedOffset(world.connectorName)).toBe(start.committed);
  } else {
    expect(start.committed).toBeGreaterThan(0); // otherwise a reset could not be told from a kept topic
    expect(topic).not.toBe(start.offsetTopic);
    expect(kafkaconnect.committedOffset(world.connectorName)).toBe(0);
    expect(kafkaconnect.topicOffset(start.offsetTopic)).toBe(start.committed);
  }

  // Notifications
  const notices = world.notices();
  expect(notices.map((n) => n.subject)).toEqual(expected.subjects);
  for (const n of notices) {
    expect(n.subject).toMatch(new RegExp(`^\\[(INFO|WARNING|CRITICAL)\\] ${world.connectorName}: `));
    expect(n.message).toContain(`Connector: ${world.connectorName}`);
  }
  expect(sns.published).toHaveLength(notices.length); // nothing sent anywhere else
  const secrets = configSecrets(world);
  expect(secrets.length).toBeGreaterThan(0);
  for (const n of sns.published) {
    for (const secret of secrets) {
      expect(n.message).not.toContain(secret);
      expect(n.subject ?? '').not.toContain(secret);
    }
  }
  // Every Publish the emulator answered 200 is one of these notices (none went to another topic or got lost).
  expect(requests.of('sns', 'Publish').filter((r) => r.status === 200)).toHaveLength(notices.length);

  // The guard's own state
  expect(world.mutations()).toEqual(expected.mutations);
  const record = guardRecord(world);
  expect(record?.phase).toBe(expected.phase);
  expect(record?.leaseUntil).toBe(0); // the last run released its lease: no run is left holding the connector
  // The emulator never hit an internal error.
  expect(requests.entries.filter((r) => r.emulatorBug !== undefined)).toEqual([]);
}
