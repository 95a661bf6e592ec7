import { createConnectorRequest, tableSettings } from './fixtures';
import { decide } from '../../src/recovery/decide';
import type {
  Action, ConfigCheck, ConnectorState, Decision, Incident, Observation, Phase, RecoveryEvent, RecoveryRecord, Settings, Severity, Strategy,
  TriggerKind,
} from '../../src/recovery/model';
import { compareWithRunning } from '../../src/recovery/request-drift';
import { checkConnectorConfig as validate } from '../../src/recovery/stored-request';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const T0 = Date.parse('2025-06-01T12:00:00.000Z');

const NAME = 'orders-cdc';
const ARN = `arn:aws:kafkaconnect:eu-west-1:123456789012:connector/${NAME}/0d1e0b4a-1111-4a4a-8b8b-000000000001-3`;
const NEW_ARN = `arn:aws:kafkaconnect:eu-west-1:123456789012:connector/${NAME}/7f2c9e10-2222-4c4c-9d9d-000000000002-3`;
const OP_ARN = `arn:aws:kafkaconnect:eu-west-1:123456789012:connector-operation/${NAME}/0d1e0b4a-1111/op-0001`;
const VERSION = 'K3AEGXETSR30VB';
const ROLE = 'arn:aws:iam::123456789012:role/orders-cdc-connector';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:123456789012:worker-configuration/orders-offsets/5e5e5e5e-3333-2';

const SETTINGS: Settings = tableSettings(NAME);

/** Connector configuration values: none of them may ever appear in a notice or a reason. */
const CONNECTOR_CONFIGURATION = {
  'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
  'database.hostname': 'orders-db.cluster-c9xyz.eu-west-1.rds.amazonaws.com',
  'database.port': '3306',
  'database.user': 'debezium_reader',
  'database.password': 'hunter2',
  'database.server.id': '184054',
  'topic.prefix': 'orders_prefix_zq',
  'schema.history.internal.kafka.topic': 'schema-history.orders_zq',
};
const CONFIG_VALUES = Object.values(CONNECTOR_CONFIGURATION);

function requestJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return createConnectorRequest(
    { name: NAME, roleArn: ROLE, workerConfigurationArn: WORKER_ARN, connectorConfiguration: CONNECTOR_CONFIGURATION },
    overrides,
  );
}

const EXPECTATIONS = { connectorName: NAME, serviceExecutionRoleArn: ROLE };

/**
 * A config check as the handler makes it while the connector runs: validated, and compared with the running
 * connector, which (unless a test says otherwise) runs exactly as the default stored request describes.
 */
function checkConnectorConfig(...args: Parameters<typeof validate>): ConfigCheck {
  const check = validate(...args);
  return check.request ? { ...check, drift: compareWithRunning(check.request, requestJson(), {}) } : check;
}
const OFFSET_PROPERTIES = 'offset.storage.topic=__orders_cdc_offsets\noffset.storage.replication.factor=3';

/** Config checks as the handler produces them: through the real validator. */
const CONFIG = {
  OK: checkConnectorConfig(JSON.stringify(requestJson()), EXPECTATIONS, OFFSET_PROPERTIES),
  NO_OFFSETS: checkConnectorConfig(JSON.stringify(requestJson()), EXPECTATIONS, 'key.converter=org.apache.kafka.connect.storage.StringConverter'),
  MISSING: checkConnectorConfig(undefined, EXPECTATIONS, undefined),
  NOT_JSON: checkConnectorConfig(`{"connectorName": "${NAME}", "connectorConfiguration": {"database.password": "hunter2"`, EXPECTATIONS, undefined),
  WRONG_NAME: checkConnectorConfig(JSON.stringify(requestJson({ connectorName: 'payments-cdc' })), EXPECTATIONS, OFFSET_PROPERTIES),
  WRONG_ROLE: checkConnectorConfig(JSON.stringify(requestJson({ serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/admin' })), EXPECTATIONS, OFFSET_PROPERTIES),
  BOTH_CAPACITIES: checkConnectorConfig(
    JSON.stringify(requestJson({ capacity: { autoScaling: { minWorkerCount: 1, maxWorkerCount: 2 }, provisionedCapacity: { workerCount: 1 } } })),
    EXPECTATIONS, OFFSET_PROPERTIES),
} satisfies Record<string, ConfigCheck>;

const PROBLEM = {
  MISSING: 'the CreateConnector request could not be read from S3 (the object does not exist, or the guard may not read it); upload it to the configured bucket and key, readable by the recovery role',
  NOT_JSON: 'the CreateConnector request in S3 is not valid JSON; fix the object so that `JSON.parse` accepts it',
  WRONG_NAME: 'connectorName must equal the guarded connector "orders-cdc"; the stored request names another connector',
  WRONG_ROLE: 'serviceExecutionRoleArn must equal the role given to the guard as serviceExecutionRole; the guard may pass no other role',
  BOTH_CAPACITIES: 'capacity must set exactly one of autoScaling or provisionedCapacity, got both',
};

/** The fingerprint of the default stored request, recorded with every delete. */
const RAN_AS = CONFIG.OK.fingerprint;

const NO_OFFSETS_SEEN = 'A recreate is needed, but it is not proven to resume from the committed offsets: '
  + 'the stored request\'s worker configuration does not set offset.storage.topic.';

const NONE: Action = { kind: 'NONE' };
const LOAD_CONFIG: Action = { kind: 'LOAD_CONFIG' };
const RESTART: Action = { kind: 'RESTART', connectorArn: ARN };
const DELETE: Action = { kind: 'DELETE', connectorArn: ARN, currentVersion: VERSION };
const CREATE: Action = { kind: 'CREATE', request: requestJson() };

const STARTED_RESTART: RecoveryEvent[] = [{ kind: 'STEP_STARTED', step: 'restart' }];
const STARTED_RECREATE: RecoveryEvent[] = [{ kind: 'STEP_STARTED', step: 'recreate' }];
const ESCALATED: RecoveryEvent[] = [{ kind: 'ESCALATED' }];

const IDLE: RecoveryRecord = { phase: 'IDLE', attempts: [] };

/** What the guard observed: the connector (by state; 'MISSING' for none), the alarm, the operation, the config. */
interface Seen {
  readonly state?: ConnectorState | 'MISSING' | string;
  readonly arn?: string;
  readonly alarm?: string;
  readonly enabled?: boolean;
  readonly op?: string;
  readonly config?: ConfigCheck;
}

function seen(spec: Seen = {}): Observation {
  const state = spec.state ?? 'RUNNING';
  return {
    connector: state === 'MISSING' ? undefined : { arn: spec.arn ?? ARN, state, currentVersion: VERSION },
    alarm: { state: spec.alarm ?? 'ALARM', actionsEnabled: spec.enabled ?? true },
    operationState: spec.op,
    config: spec.config,
  };
}

function incident(steps: Incident['steps'], overrides: Partial<Incident> = {}): Incident {
  return { startedAt: T0 - 20 * MIN, trigger: 'ALARM', initialState: 'RUNNING', steps, ...overrides };
}

interface Run {
  readonly record: RecoveryRecord;
  readonly seen?: Seen;
  readonly trigger?: TriggerKind;
  readonly settings?: Partial<Settings>;
  readonly now?: number;
}

function run({ record, seen: spec, trigger = 'TICK', settings = {}, now = T0 }: Run): Decision {
  return decide({ record, observation: seen(spec), trigger, settings: { ...SETTINGS, ...settings }, now });
}

/** Runs like the handler: on LOAD_CONFIG, decides again with the stored request read (the record of the first decision is not kept). */
function runLoading(input: Run & { readonly config: ConfigCheck }): { first: Decision; final: Decision } {
  const first = run({ ...input, seen: { ...input.seen, config: undefined } });
  const final = first.action.kind === 'LOAD_CONFIG' ? run({ ...input, seen: { ...input.seen, config: input.config } }) : first;
  return { first, final };
}

interface Outcome {
  readonly action: Action;
  readonly phase: Phase;
  /** Severity of the notice, undefined when there is none. */
  readonly notice?: Severity;
  readonly events: RecoveryEvent[];
}

function outcome(d: Decision): Outcome {
  return { action: d.action, phase: d.record.phase, notice: d.notice?.severity, events: d.events };
}

/** One row of a phase table: the record (or the table's default), what is observed, and what must come out. */
interface Row {
  readonly case: string;
  readonly record?: RecoveryRecord;
  readonly seen: Seen;
  readonly settings?: Partial<Settings>;
  readonly trigger?: TriggerKind;
  readonly expected: Outcome;
  /** The whole record to persist (compared with toEqual). */
  readonly next?: RecoveryRecord;
  /** The exact log reason, when the row checks it. */
  readonly reason?: string;
}

function subject(severity: Severity, text: string): string {
  return `[${severity}] ${NAME}: ${text}`;
}

// ---------------------------------------------------------------------------------------------
// IDLE
// ---------------------------------------------------------------------------------------------

describe('IDLE with the alarm in ALARM', () => {
  const restarting = (state: string): RecoveryRecord => ({
    phase: 'RESTARTING',
    phaseSince: T0,
    connectorArn: ARN,
    attempts: [T0],
    incident: { startedAt: T0, trigger: 'ALARM', initialState: state, steps: ['restart'] },
  });
  const deleting = (state: string): RecoveryRecord => ({
    phase: 'DELETING',
    phaseSince: T0,
    connectorArn: ARN,
    attempts: [T0],
    incident: { startedAt: T0, trigger: 'ALARM', initialState: state, steps: ['recreate'] },
    ranAs: RAN_AS,
  });
  const loading = (state: string): RecoveryRecord => ({
    phase: 'IDLE', attempts: [], incident: { startedAt: T0, trigger: 'ALARM', initialState: state, steps: [] },
  });

  test.each<{ case: string; state: string; strategy: Strategy; config?: ConfigCheck; expected: Outcome; next: RecoveryRecord }>([
    {
      case: 'RUNNING, restart-then-recreate: restart in place',
      state: 'RUNNING',
      strategy: 'RESTART_THEN_RECREATE',
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      next: restarting('RUNNING'),
    },
    {
      case: 'RUNNING, restart-only: restart in place',
      state: 'RUNNING',
      strategy: 'RESTART_ONLY',
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      next: restarting('RUNNING'),
    },
    {
      case: 'RUNNING, recreate: read the stored request first',
      state: 'RUNNING',
      strategy: 'RECREATE',
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
      next: loading('RUNNING'),
    },
    {
      case: 'RUNNING, recreate, request valid and offsets preserved: delete',
      state: 'RUNNING',
      strategy: 'RECREATE',
      config: CONFIG.OK,
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: deleting('RUNNING'),
    },
    {
      case: 'FAILED, restart-then-recreate: read the stored request first (RestartConnector needs RUNNING)',
      state: 'FAILED',
      strategy: 'RESTART_THEN_RECREATE',
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
      next: loading('FAILED'),
    },
    {
      case: 'FAILED, restart-then-recreate, request valid and offsets preserved: delete',
      state: 'FAILED',
      strategy: 'RESTART_THEN_RECREATE',
      config: CONFIG.OK,
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: deleting('FAILED'),
    },
    {
      case: 'FAILED, recreate, request valid and offsets preserved: delete',
      state: 'FAILED',
      strategy: 'RECREATE',
      config: CONFIG.OK,
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: deleting('FAILED'),
    },
    {
      case: 'FAILED, restart-only: escalate',
      state: 'FAILED',
      strategy: 'RESTART_ONLY',
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: { phase: 'ESCALATED', phaseSince: T0, attempts: [], escalation: 'connector is FAILED and the restart-only strategy cannot restart it' },
    },
    ...(['CREATING', 'UPDATING', 'DELETING', 'PAUSING', 'RESUMING', 'RESTARTING'] as const).flatMap((state) =>
      (['RESTART_THEN_RECREATE', 'RESTART_ONLY', 'RECREATE'] as const).map((strategy) => ({
        case: `${state}, ${strategy}: another operation in progress, wait`,
        state,
        strategy,
        expected: { action: NONE, phase: 'IDLE' as const, events: [] },
        next: IDLE,
      }))),
    {
      case: 'PAUSED: leave it to whoever paused it, say so once',
      state: 'PAUSED',
      strategy: 'RESTART_THEN_RECREATE',
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: { phase: 'IDLE', attempts: [], noticeKey: 'paused' },
    },
    {
      case: 'connector missing: escalate (the guard did not delete it)',
      state: 'MISSING',
      strategy: 'RESTART_THEN_RECREATE',
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: { phase: 'ESCALATED', phaseSince: T0, attempts: [], escalation: 'no connector has exactly the guarded name' },
    },
    {
      case: 'connector missing, recreate strategy: escalate as well',
      state: 'MISSING',
      strategy: 'RECREATE',
      config: CONFIG.OK,
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: { phase: 'ESCALATED', phaseSince: T0, attempts: [], escalation: 'no connector has exactly the guarded name' },
    },
  ])('$case', ({ state, strategy, config, expected, next }) => {
    // WHEN
    const d = run({ record: IDLE, seen: { state, config }, trigger: 'ALARM', settings: { strategy } });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
  });

  test('a PAUSED connector is reported once, not on every tick', () => {
    // GIVEN
    const first = run({ record: IDLE, seen: { state: 'PAUSED' }, trigger: 'ALARM' });

    // WHEN
    const second = run({ record: first.record, seen: { state: 'PAUSED' }, trigger: 'TICK', now: T0 + 5 * MIN });

    // THEN
    expect(first.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'connector paused, not recovering'),
      seen: 'The alarm is in ALARM and the connector is PAUSED.',
      done: 'Nothing: a paused connector is left to whoever paused it.',
      next: 'Resume the connector (`aws kafkaconnect resume-connector`) when it should run again.',
    });
    expect(outcome(second)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(second.record).toEqual({ phase: 'IDLE', attempts: [], noticeKey: 'paused' });
  });

  test('a resumed connector still in ALARM is restarted: the one-off notice does not block recovery', () => {
    // GIVEN
    const paused = run({ record: IDLE, seen: { state: 'PAUSED' }, trigger: 'ALARM' });

    // WHEN
    const resumed = run({ record: paused.record, seen: { state: 'RUNNING' }, now: T0 + 5 * MIN });

    // THEN
    expect(outcome(resumed)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
    expect(resumed.record.noticeKey).toBeUndefined();
  });

  test('the missing-connector notice tells the operator what to do', () => {
    const d = run({ record: IDLE, seen: { state: 'MISSING' }, trigger: 'ALARM' });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'needs a human: no connector has exactly the guarded name'),
      seen: 'No MSK Connect connector named "orders-cdc" exists, and the guard did not delete one.',
      done: 'Nothing: the guard only re-creates connectors it deleted itself.',
      next: 'Create the connector (or correct the guard\'s connector name), then reset the guard with `{"action":"reset"}`.',
    });
  });

  test('an existing incident is continued, not restarted', () => {
    // GIVEN the guard came back to IDLE after a restart that did not help
    const record: RecoveryRecord = {
      phase: 'IDLE', phaseSince: T0 - 30 * MIN, attempts: [T0 - 40 * MIN], incident: incident(['restart'], { startedAt: T0 - 40 * MIN }),
    };

    // WHEN
    const d = run({ record, seen: { state: 'RUNNING' }, settings: { strategy: 'RESTART_ONLY' } });

    // THEN
    expect(outcome(d)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
    expect(d.record).toEqual({
      phase: 'RESTARTING',
      phaseSince: T0,
      connectorArn: ARN,
      attempts: [T0 - 40 * MIN, T0],
      incident: incident(['restart', 'restart'], { startedAt: T0 - 40 * MIN }),
    });
  });
});

describe('IDLE with the alarm not in ALARM', () => {
  test.each([
    { case: 'alarm OK', alarm: 'OK' },
    { case: 'alarm INSUFFICIENT_DATA', alarm: 'INSUFFICIENT_DATA' },
  ])('$case: nothing to do, incident and one-off notice forgotten', ({ alarm }) => {
    // GIVEN a record that still remembers a finished incident, a notice and one old and one recent attempt
    const record: RecoveryRecord = {
      phase: 'IDLE', phaseSince: T0 - 30 * MIN, attempts: [T0 - 7 * HOUR, T0 - HOUR], incident: incident(['restart']), noticeKey: 'paused',
    };

    // WHEN
    const d = run({ record, seen: { state: 'RUNNING', alarm } });

    // THEN
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(d.record).toEqual({ phase: 'IDLE', attempts: [T0 - HOUR] });
    expect(d.reason).toBe(`alarm is ${alarm}; nothing to do`);
  });

  test.each(['RUNNING', 'FAILED', 'PAUSED', 'MISSING', 'RESTARTING'])('connector %s with alarm OK: no action, no notice', (state) => {
    const d = run({ record: IDLE, seen: { state, alarm: 'OK' }, trigger: 'ALARM' });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Maintenance switch, manual recover, notify-only
// ---------------------------------------------------------------------------------------------

describe('maintenance switch (alarm actions disabled)', () => {
  const MAINTENANCE_NOTICE = {
    severity: 'WARNING',
    subject: subject('WARNING', 'alarm in maintenance, not recovering'),
    seen: 'The guard\'s alarm is in ALARM, but its actions are disabled (the maintenance switch).',
    done: 'Nothing: the guard does not act while alarm actions are disabled.',
    next: 'When maintenance is over, enable the alarm actions again (`aws cloudwatch enable-alarm-actions`); the guard then acts on the next check.',
  };

  test.each(['RUNNING', 'FAILED', 'PAUSED', 'MISSING', 'UPDATING'])('connector %s: no action, one maintenance notice', (state) => {
    // WHEN
    const d = run({ record: IDLE, seen: { state, enabled: false, config: CONFIG.OK }, trigger: 'ALARM' });

    // THEN
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] });
    expect(d.notice).toEqual(MAINTENANCE_NOTICE);
    expect(d.record).toEqual({ phase: 'IDLE', attempts: [], noticeKey: 'maintenance' });
  });

  test('the notice is not repeated on the next ticks, and is sent again for the next maintenance', () => {
    // GIVEN
    const first = run({ record: IDLE, seen: { enabled: false }, trigger: 'ALARM' });

    // WHEN
    const second = run({ record: first.record, seen: { enabled: false }, now: T0 + 5 * MIN });
    const third = run({ record: second.record, seen: { enabled: false }, now: T0 + 10 * MIN });
    const cleared = run({ record: third.record, seen: { enabled: false, alarm: 'OK' }, now: T0 + 15 * MIN });
    const again = run({ record: cleared.record, seen: { enabled: false }, trigger: 'ALARM', now: T0 + HOUR });

    // THEN
    expect(outcome(second)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(third)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(cleared)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(cleared.record).toEqual(IDLE);
    expect(outcome(again)).toEqual({ action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] });
  });

  test('when maintenance ends, the guard acts on the next check', () => {
    const inMaintenance = run({ record: IDLE, seen: { enabled: false }, trigger: 'ALARM' });
    const d = run({ record: inMaintenance.record, seen: { enabled: true }, now: T0 + 5 * MIN });
    expect(outcome(d)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
    expect(d.record.noticeKey).toBeUndefined();
  });
});

describe('MANUAL_RECOVER', () => {
  test.each<{ case: string; record: RecoveryRecord; seen: Seen; settings?: Partial<Settings>; expected: Outcome; next?: RecoveryRecord }>([
    {
      case: 'restarts in maintenance (a restart needs no alarm)',
      record: IDLE,
      seen: { enabled: false },
      expected: { action: RESTART, phase: 'RESTARTING', notice: 'INFO', events: STARTED_RESTART },
      next: {
        phase: 'RESTARTING',
        phaseSince: T0,
        connectorArn: ARN,
        attempts: [T0],
        incident: { startedAt: T0, trigger: 'MANUAL_RECOVER', initialState: 'RUNNING', steps: ['restart'] },
      },
    },
    {
      case: 'restarts with the alarm OK',
      record: IDLE,
      seen: { alarm: 'OK' },
      expected: { action: RESTART, phase: 'RESTARTING', notice: 'INFO', events: STARTED_RESTART },
    },
    {
      case: 'ignores the backoff, not the budget: the restart counts',
      record: { phase: 'IDLE', attempts: [T0 - MIN] },
      seen: {},
      expected: { action: RESTART, phase: 'RESTARTING', notice: 'INFO', events: STARTED_RESTART },
      next: {
        phase: 'RESTARTING',
        phaseSince: T0,
        connectorArn: ARN,
        attempts: [T0 - MIN, T0],
        incident: { startedAt: T0, trigger: 'MANUAL_RECOVER', initialState: 'RUNNING', steps: ['restart'] },
      },
    },
    {
      case: 'does not ignore an invalid stored request',
      record: IDLE,
      seen: { state: 'FAILED', config: CONFIG.WRONG_ROLE },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
    },
    {
      case: 'does not ignore missing offset storage',
      record: IDLE,
      seen: { state: 'FAILED', config: CONFIG.NO_OFFSETS },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
    },
    {
      case: 'reads the stored request before deleting',
      record: IDLE,
      seen: { state: 'FAILED' },
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
    },
    {
      case: 'deletes with a valid request, the alarm in ALARM',
      record: IDLE,
      seen: { state: 'FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', notice: 'INFO', events: STARTED_RECREATE },
    },
    {
      case: 'never deletes in maintenance, even with a valid request',
      record: IDLE,
      seen: { state: 'FAILED', enabled: false, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
    },
    {
      case: 'never deletes with the alarm OK (recreate strategy)',
      record: IDLE,
      seen: { alarm: 'OK', config: CONFIG.OK },
      settings: { strategy: 'RECREATE' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
    },
    {
      case: 'never deletes with the alarm INSUFFICIENT_DATA',
      record: IDLE,
      seen: { state: 'FAILED', alarm: 'INSUFFICIENT_DATA', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
    },
    {
      case: 'does not touch a PAUSED connector',
      record: IDLE,
      seen: { state: 'PAUSED' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
    },
    {
      case: 'waits for a connector in transition',
      record: IDLE,
      seen: { state: 'UPDATING' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
    },
    {
      case: 'does not act in notify-only mode',
      record: IDLE,
      seen: {},
      settings: { strategy: 'NOTIFY_ONLY' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
    },
    {
      case: 'in IDLE, still respects the budget',
      record: { phase: 'IDLE', attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR] },
      seen: {},
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
    },
  ])('$case', ({ record, seen: spec, settings, expected, next }) => {
    const d = run({ record, seen: spec, trigger: 'MANUAL_RECOVER', settings });
    expect(outcome(d)).toEqual(expected);
    if (next) {
      expect(d.record).toEqual(next);
    }
  });

  test('the answer says what was asked, what the guard saw and what it did', () => {
    const d = run({ record: IDLE, seen: { alarm: 'OK', enabled: false }, trigger: 'MANUAL_RECOVER' });
    expect(d.notice).toEqual({
      severity: 'INFO',
      subject: subject('INFO', 'recover: restarting the connector'),
      seen: 'An operator invoked the guard with {"action":"recover"}; the alarm was OK, with the maintenance switch on (alarm actions disabled), the connector RUNNING.',
      done: 'Restarting the connector: alarm OK with connector RUNNING: restarting in place.',
      next: 'Nothing now: the guard follows the step on its next runs and reports how it ends.',
    });
  });

  test('a refused recreate says why, and that nothing was done', () => {
    const d = run({ record: IDLE, seen: { state: 'FAILED', alarm: 'OK', config: CONFIG.OK }, trigger: 'MANUAL_RECOVER' });
    expect(d.notice?.subject).toBe(subject('INFO', 'recover: nothing done'));
    expect(d.notice?.seen).toContain('the alarm was OK, the connector FAILED.');
    expect(d.notice?.done).toBe('Nothing: recover: a recreate needs the alarm in ALARM and the maintenance switch off, and the alarm is OK; nothing done.');
  });

  test('an escalation keeps its own notice, framed as the answer', () => {
    const d = run({ record: IDLE, seen: { state: 'FAILED', config: CONFIG.WRONG_ROLE }, trigger: 'MANUAL_RECOVER' });
    expect(d.notice?.subject).toBe(subject('WARNING', 'needs a human: stored CreateConnector request unusable; not deleting'));
    expect(d.notice?.seen).toMatch(/^An operator invoked the guard with \{"action":"recover"\}; the alarm was ALARM, the connector FAILED\. The connector is FAILED\./);
  });

  test('reading the stored request is not an answer yet: no notice until the decision is made with it', () => {
    expect(run({ record: IDLE, seen: { state: 'FAILED' }, trigger: 'MANUAL_RECOVER' }).notice).toBeUndefined();
  });

  test('recover and reset alternated cannot exceed the budget', () => {
    // GIVEN a guard that keeps being recovered and reset by an operator, for an hour, with the alarm in ALARM
    let record: RecoveryRecord = IDLE;
    let restarts = 0;
    for (let minute = 0; minute < 60; minute += 2) {
      const trigger: TriggerKind = minute % 4 === 0 ? 'MANUAL_RECOVER' : 'MANUAL_RESET';
      const d = run({ record, trigger, now: T0 + minute * MIN });
      restarts += d.action.kind === 'RESTART' ? 1 : 0;
      // the restart finishes and does not help: back to IDLE
      record = d.record.phase === 'RESTARTING' ? { ...d.record, phase: 'IDLE' } : d.record;
    }
    // THEN no more restarts than the budget allows in its window
    expect(restarts).toBe(SETTINGS.budget);
    expect(record.attempts).toHaveLength(SETTINGS.budget);
  });
});

describe('notify-only', () => {
  const settings: Partial<Settings> = { strategy: 'NOTIFY_ONLY' };

  test.each(['RUNNING', 'FAILED'])('connector %s in ALARM: one notice, never an action', (state) => {
    // WHEN
    const d = run({ record: IDLE, seen: { state, config: CONFIG.OK }, trigger: 'ALARM', settings });

    // THEN
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] });
    expect(d.record).toEqual({ phase: 'IDLE', attempts: [], noticeKey: 'notify-only' });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'silent failure suspected (notify-only)'),
      seen: `The alarm is in ALARM; the connector reports ${state}.`,
      done: 'Nothing: the guard runs in notify-only mode.',
      next: `Investigate the connector; to recover it in place run \`aws kafkaconnect restart-connector --connector-arn ${ARN}\`.`,
    });
  });

  test('one notice per incident: quiet while the alarm lasts, a new notice for the next incident', () => {
    // GIVEN
    let record = IDLE;
    const notices: (Severity | undefined)[] = [];
    const actions: string[] = [];
    const timeline: Seen[] = [
      { alarm: 'ALARM' }, { alarm: 'ALARM' }, { alarm: 'ALARM', state: 'FAILED' }, { alarm: 'ALARM' },
      { alarm: 'OK' }, { alarm: 'OK' },
      { alarm: 'ALARM' }, { alarm: 'ALARM' },
    ];

    // WHEN
    timeline.forEach((spec, i) => {
      const d = run({ record, seen: spec, trigger: i === 0 || i === 6 ? 'ALARM' : 'TICK', settings, now: T0 + i * 5 * MIN });
      notices.push(d.notice?.severity);
      actions.push(d.action.kind);
      record = d.record;
    });

    // THEN
    expect(notices).toEqual(['WARNING', undefined, undefined, undefined, undefined, undefined, 'WARNING', undefined]);
    expect(actions).toEqual(['NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'NONE']);
  });

  test.each(['PAUSED', 'CREATING', 'MISSING'])('connector %s: never an action', (state) => {
    const d = run({ record: IDLE, seen: { state, config: CONFIG.OK }, trigger: 'ALARM', settings });
    expect(d.action).toEqual(NONE);
  });
});

// ---------------------------------------------------------------------------------------------
// Recreate safety
// ---------------------------------------------------------------------------------------------

describe('recreate safety: nothing is deleted unless the recreate is proven safe', () => {
  test.each([
    { case: 'stored request missing', config: CONFIG.MISSING, problem: PROBLEM.MISSING, escalation: 'stored CreateConnector request unusable; not deleting' },
    { case: 'stored request not JSON', config: CONFIG.NOT_JSON, problem: PROBLEM.NOT_JSON, escalation: 'stored CreateConnector request unusable; not deleting' },
    { case: 'wrong connectorName', config: CONFIG.WRONG_NAME, problem: PROBLEM.WRONG_NAME, escalation: 'stored CreateConnector request unusable; not deleting' },
    { case: 'wrong serviceExecutionRoleArn', config: CONFIG.WRONG_ROLE, problem: PROBLEM.WRONG_ROLE, escalation: 'stored CreateConnector request unusable; not deleting' },
    {
      case: 'both capacity modes',
      config: CONFIG.BOTH_CAPACITIES,
      problem: PROBLEM.BOTH_CAPACITIES,
      escalation: 'stored CreateConnector request unusable; not deleting',
    },
  ])('$case: escalate, do not delete, name the problem', ({ config, problem, escalation }) => {
    // GIVEN a FAILED connector that only a recreate can help
    const { first, final } = runLoading({ record: IDLE, seen: { state: 'FAILED' }, trigger: 'ALARM', config });

    // THEN the request is read first, and nothing is deleted
    expect(first.action).toEqual(LOAD_CONFIG);
    expect(outcome(final)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(final.record).toEqual({
      phase: 'ESCALATED',
      phaseSince: T0,
      attempts: [],
      escalation,
      incident: { startedAt: T0, trigger: 'ALARM', initialState: 'FAILED', steps: [] },
    });
    expect(final.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', `needs a human: ${escalation}`),
      seen: `The connector is FAILED. A recreate is needed, but the stored CreateConnector request cannot be used: ${problem}.`,
      done: 'Nothing was deleted: the connector is as it was.',
      next: 'Fix the stored request, then invoke the guard with `{"action":"recover"}`.',
    });
  });

  test('no offset storage: escalate, do not delete, explain the offset loss', () => {
    const { final } = runLoading({ record: IDLE, seen: { state: 'FAILED' }, trigger: 'ALARM', config: CONFIG.NO_OFFSETS });
    expect(outcome(final)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(final.record.escalation).toBe('recreate would lose committed offsets; not deleting');
    expect(final.record.attempts).toEqual([]);
    expect(final.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'needs a human: recreate would lose committed offsets; not deleting'),
      seen: `The connector is FAILED. ${NO_OFFSETS_SEEN}`,
      done: 'Nothing was deleted: the connector is as it was.',
      next: 'Make the stored request name the worker configuration (latest revision, setting offset.storage.topic) and the bootstrap '
        + 'servers the running connector uses, or set allowOffsetReset on the guard if re-reading the source is acceptable.',
    });
  });

  test('no offset storage but allowOffsetReset: delete, and say the reset was allowed', () => {
    const { final } = runLoading({ record: IDLE, seen: { state: 'FAILED' }, trigger: 'ALARM', settings: { allowOffsetReset: true }, config: CONFIG.NO_OFFSETS });
    expect(outcome(final)).toEqual({ action: DELETE, phase: 'DELETING', events: STARTED_RECREATE });
    expect(final.reason).toBe('connector FAILED: deleting to re-create from the stored request (offset reset allowed)');
    // the reset is recorded when the create happens (a delete that never took resets nothing)
    expect(final.record.incident).toEqual(expect.objectContaining({ steps: ['recreate'] }));
    expect(final.record.incident?.offsetsReset).toBeUndefined();
    const created = run({ record: final.record, seen: { state: 'MISSING', config: CONFIG.NO_OFFSETS }, settings: { allowOffsetReset: true }, now: T0 + MIN });
    expect(created.action.kind).toBe('CREATE');
    expect(created.record.incident).toMatchObject({ steps: ['recreate'], offsetsReset: 'allowOffsetReset let the create through without that proof' });
  });

  test('offsets preserved: delete without the offset-reset remark', () => {
    const { final } = runLoading({ record: IDLE, seen: { state: 'FAILED' }, trigger: 'ALARM', config: CONFIG.OK });
    expect(outcome(final)).toEqual({ action: DELETE, phase: 'DELETING', events: STARTED_RECREATE });
    expect(final.reason).toBe('connector FAILED: deleting to re-create from the stored request');
    expect(final.record.incident?.offsetsReset).toBeUndefined();
  });

  test.each([
    { case: 'missing', config: CONFIG.MISSING },
    { case: 'wrong role', config: CONFIG.WRONG_ROLE },
    { case: 'both capacity modes', config: CONFIG.BOTH_CAPACITIES },
  ])('allowOffsetReset does not excuse an invalid request ($case)', ({ config }) => {
    const d = run({ record: IDLE, seen: { state: 'FAILED', config }, trigger: 'ALARM', settings: { allowOffsetReset: true } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
  });

  test('after a failed restart, the notice names the failed restart as the cause', () => {
    // GIVEN
    const record: RecoveryRecord = {
      phase: 'RESTARTING', phaseSince: T0 - 3 * MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: [T0 - 3 * MIN], incident: incident(['restart']),
    };

    // WHEN
    const d = run({ record, seen: { state: 'RUNNING', op: 'RESTART_FAILED', config: CONFIG.WRONG_NAME } });

    // THEN
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(d.notice?.seen).toBe(`The restart operation ended RESTART_FAILED. A recreate is needed, but the stored CreateConnector request cannot be used: ${PROBLEM.WRONG_NAME}.`);
  });
});

// ---------------------------------------------------------------------------------------------
// Budget and backoff
// ---------------------------------------------------------------------------------------------

describe('budget and backoff (IDLE, RUNNING, ALARM)', () => {
  // `steps`: attempts already made for the current incident (Strimzi's count); none = a new incident.
  type BudgetRow = {
    case: string; attempts: number[]; steps?: number; settings?: Partial<Settings>; expected: Outcome; attemptsAfter: number[]; reason?: string;
  };
  test.each<BudgetRow>([
    {
      case: 'two attempts in the window, backoff passed: act',
      attempts: [T0 - 2 * HOUR, T0 - HOUR],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 2 * HOUR, T0 - HOUR, T0],
    },
    {
      case: 'three attempts in the window: budget exhausted, escalate',
      attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR],
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      attemptsAfter: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR],
      reason: 'escalating: recovery budget exhausted (3 attempts in the window)',
    },
    {
      case: 'oldest attempt just inside the window still counts',
      attempts: [T0 - 6 * HOUR + 1, T0 - 2 * HOUR, T0 - HOUR],
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      attemptsAfter: [T0 - 6 * HOUR + 1, T0 - 2 * HOUR, T0 - HOUR],
    },
    {
      case: 'oldest attempt exactly one window old no longer counts',
      attempts: [T0 - 6 * HOUR, T0 - 2 * HOUR, T0 - HOUR],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 2 * HOUR, T0 - HOUR, T0],
    },
    {
      case: 'attempts older than the window are dropped',
      attempts: [T0 - 9 * HOUR, T0 - 8 * HOUR, T0 - 7 * HOUR, T0 - 6 * HOUR - 1],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0],
    },
    {
      case: 'budget of one: a single attempt in the window exhausts it',
      attempts: [T0 - HOUR],
      settings: { budget: 1 },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      attemptsAfter: [T0 - HOUR],
    },
    {
      case: 'one attempt 1 min ago: cooldown (5 min) floors Strimzi\'s 2 min, wait',
      attempts: [T0 - MIN],
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [T0 - MIN],
      reason: 'backing off: next attempt allowed at 2025-06-01T12:04:00.000Z',
    },
    {
      case: 'one attempt exactly one cooldown ago: act',
      attempts: [T0 - 5 * MIN],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 5 * MIN, T0],
    },
    {
      case: 'one attempt 2 min ago, no cooldown: Strimzi\'s 2 min passed, act',
      attempts: [T0 - 2 * MIN],
      settings: { cooldownMs: 0 },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 2 * MIN, T0],
    },
    {
      case: 'one attempt 2 min - 1 ms ago in this incident, no cooldown: wait',
      attempts: [T0 - 2 * MIN + 1],
      steps: 1,
      settings: { cooldownMs: 0 },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [T0 - 2 * MIN + 1],
    },
    {
      case: 'two attempts in this incident, last 5 min ago: Strimzi\'s 6 min not passed, wait',
      attempts: [T0 - 30 * MIN, T0 - 5 * MIN],
      steps: 2,
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [T0 - 30 * MIN, T0 - 5 * MIN],
      reason: 'backing off: next attempt allowed at 2025-06-01T12:01:00.000Z',
    },
    {
      case: 'two attempts, last 6 min ago: act',
      attempts: [T0 - 30 * MIN, T0 - 6 * MIN],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 30 * MIN, T0 - 6 * MIN, T0],
    },
    {
      case: 'cooldown of 10 min floors Strimzi\'s 6 min: wait',
      attempts: [T0 - 30 * MIN, T0 - 8 * MIN],
      settings: { cooldownMs: 10 * MIN },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [T0 - 30 * MIN, T0 - 8 * MIN],
      reason: 'backing off: next attempt allowed at 2025-06-01T12:02:00.000Z',
    },
    {
      case: 'seven attempts in this incident, budget 10: Strimzi\'s 56 min, 55 min passed: wait',
      attempts: [1, 2, 3, 4, 5, 6].map((h) => T0 - (h + 1) * 30 * MIN).reverse().concat([T0 - 55 * MIN]),
      steps: 7,
      settings: { budget: 10 },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [1, 2, 3, 4, 5, 6].map((h) => T0 - (h + 1) * 30 * MIN).reverse().concat([T0 - 55 * MIN]),
    },
    {
      case: 'backoff is measured from the last attempt, not the first',
      attempts: [T0 - 5 * HOUR, T0 - 3 * MIN],
      expected: { action: NONE, phase: 'IDLE', events: [] },
      attemptsAfter: [T0 - 5 * HOUR, T0 - 3 * MIN],
    },
    {
      case: 'a new incident after a recovered one: Strimzi starts again, only the cooldown applies',
      attempts: [T0 - 30 * MIN, T0 - 6 * MIN],
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      attemptsAfter: [T0 - 30 * MIN, T0 - 6 * MIN, T0],
    },
  ])('$case', ({ attempts, steps, settings, expected, attemptsAfter, reason }) => {
    // GIVEN an incident with `steps` attempts already, or none (the previous incident ended)
    const current = steps === undefined ? undefined
      : { startedAt: attempts[0], trigger: 'ALARM' as const, initialState: 'RUNNING', steps: Array(steps).fill('restart') };
    // WHEN
    const d = run({ record: { phase: 'IDLE', attempts, incident: current }, seen: { state: 'RUNNING' }, settings });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record.attempts).toEqual(attemptsAfter);
    if (reason) {
      expect(d.reason).toBe(reason);
    }
  });

  test('the budget notice names the count and the window', () => {
    const d = run({ record: { phase: 'IDLE', attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR] }, seen: {} });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'needs a human: recovery budget exhausted (3 attempts in the window)'),
      seen: 'The alarm is still in ALARM after 3 recovery attempts within 360 min.',
      done: 'Stopped acting: the recovery budget (3 per 360 min) is used up. No further notice until 2025-06-01T17:00:00.000Z, whatever the alarm does; the guard acts again from then.',
      next: 'Find out why the recovery steps do not help (worker logs, source database, network). '
        + 'A reset does not restore the budget: to act before then, restart the connector by hand (`aws kafkaconnect restart-connector`).',
    });
  });

  test('the budget also stops a recreate', () => {
    const d = run({ record: { phase: 'IDLE', attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR] }, seen: { state: 'FAILED', config: CONFIG.OK } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
  });
});

// ---------------------------------------------------------------------------------------------
// RESTARTING
// ---------------------------------------------------------------------------------------------

describe('RESTARTING', () => {
  const RESTARTING: RecoveryRecord = {
    phase: 'RESTARTING', phaseSince: T0 - 2 * MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: [T0 - 2 * MIN], incident: incident(['restart']),
  };
  const verifying = (arn: string): RecoveryRecord => ({ ...RESTARTING, phase: 'VERIFYING', phaseSince: T0, connectorArn: arn, operationArn: undefined });
  const RECREATING: RecoveryRecord = {
    phase: 'DELETING', phaseSince: T0, connectorArn: ARN, attempts: [T0 - 2 * MIN, T0], incident: incident(['restart', 'recreate']), ranAs: RAN_AS,
  };
  const BACK_TO_IDLE: RecoveryRecord = { ...RESTARTING, phase: 'IDLE', phaseSince: T0, operationArn: undefined };

  test.each<Row>([
    {
      case: 'operation PENDING: wait',
      seen: { state: 'RUNNING', op: 'PENDING' },
      expected: { action: NONE, phase: 'RESTARTING', events: [] },
      next: RESTARTING,
      reason: 'restart in progress (PENDING); waiting',
    },
    {
      case: 'operation RESTART_IN_PROGRESS: wait',
      seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS' },
      expected: { action: NONE, phase: 'RESTARTING', events: [] },
      next: RESTARTING,
    },
    {
      case: 'RESTART_COMPLETE: verify',
      seen: { state: 'RUNNING', op: 'RESTART_COMPLETE' },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: verifying(ARN),
      reason: 'restart finished (RESTART_COMPLETE); verifying',
    },
    {
      case: 'RESTART_COMPLETE in maintenance: verify all the same',
      seen: { state: 'RUNNING', op: 'RESTART_COMPLETE', enabled: false },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: verifying(ARN),
    },
    {
      case: 'RESTART_FAILED, restart-then-recreate: read the stored request',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED' },
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
      next: { ...RESTARTING, phase: 'IDLE' },
    },
    {
      case: 'RESTART_FAILED, restart-then-recreate, request valid: delete to re-create',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: RECREATING,
      reason: 'the restart operation ended RESTART_FAILED: deleting to re-create from the stored request',
    },
    {
      case: 'a restart refused on a retry, not seen to run within the operation timeout: back to IDLE, no recreate',
      record: { ...RESTARTING, phaseSince: T0 - 15 * MIN - 1, operationArn: undefined, restartUnconfirmed: true },
      seen: { state: 'UPDATING', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...RESTARTING, phaseSince: T0, operationArn: undefined, restartUnconfirmed: true, phase: 'IDLE' },
    },
    {
      case: 'the restart timed out while someone else is pausing the connector: no recreate, back to IDLE',
      record: { ...RESTARTING, phaseSince: T0 - 15 * MIN - 1 },
      seen: { state: 'PAUSING', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...RESTARTING, phaseSince: T0, operationArn: undefined, phase: 'IDLE' },
      reason: 'the restart did not finish within 15 min; not re-creating: the connector is PAUSING',
    },
    {
      case: 'RESTART_FAILED with the alarm OK: no recreate (only an alarm in ALARM justifies a delete); back to IDLE',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', alarm: 'OK', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...RESTARTING, phase: 'IDLE', phaseSince: T0, operationArn: undefined },
      reason: 'the restart operation ended RESTART_FAILED; not re-creating: the alarm is OK',
    },
    {
      case: 'RESTART_FAILED with the alarm INSUFFICIENT_DATA, an operator asks to recover: no recreate without the alarm (answered)',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', alarm: 'INSUFFICIENT_DATA', config: CONFIG.OK },
      trigger: 'MANUAL_RECOVER',
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
      next: BACK_TO_IDLE,
      reason: 'the restart operation ended RESTART_FAILED; not re-creating: the alarm is INSUFFICIENT_DATA',
    },
    {
      case: 'RESTART_FAILED on a FAILED connector, request valid: delete to re-create',
      seen: { state: 'FAILED', op: 'RESTART_FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: RECREATING,
    },
    {
      case: 'operation FAILED counts as a failure',
      seen: { state: 'RUNNING', op: 'FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: RECREATING,
    },
    {
      case: 'operation ROLLBACK_COMPLETE counts as a failure',
      seen: { state: 'RUNNING', op: 'ROLLBACK_COMPLETE', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: RECREATING,
    },
    {
      case: 'RESTART_FAILED in maintenance: no recreate, back to IDLE (which reports the maintenance)',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', enabled: false, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: BACK_TO_IDLE,
      reason: 'the restart operation ended RESTART_FAILED; not re-creating: the maintenance switch is on (alarm actions disabled)',
    },
    {
      case: 'RESTART_FAILED on a connector an operator PAUSED: no recreate, back to IDLE',
      seen: { state: 'PAUSED', op: 'RESTART_FAILED', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: BACK_TO_IDLE,
      reason: 'the restart operation ended RESTART_FAILED; not re-creating: the connector is PAUSED',
    },
    {
      case: 'RESTART_FAILED in maintenance, operator asks to recover: no recreate in maintenance (answered)',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', enabled: false, config: CONFIG.OK },
      trigger: 'MANUAL_RECOVER',
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
      next: BACK_TO_IDLE,
      reason: 'the restart operation ended RESTART_FAILED; not re-creating: the maintenance switch is on (alarm actions disabled)',
    },
    {
      case: 'RESTART_FAILED, restart-only: back to IDLE for another attempt after the backoff',
      seen: { state: 'RUNNING', op: 'RESTART_FAILED' },
      settings: { strategy: 'RESTART_ONLY' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: BACK_TO_IDLE,
      reason: 'the restart operation ended RESTART_FAILED; next attempt after the backoff',
    },
    {
      case: 'RESTART_FAILED, restart-then-recreate, budget exhausted: escalate',
      record: { ...RESTARTING, attempts: [T0 - 2 * HOUR, T0 - HOUR, T0 - 2 * MIN] },
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', config: CONFIG.OK },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: {
        ...RESTARTING,
        attempts: [T0 - 2 * HOUR, T0 - HOUR, T0 - 2 * MIN],
        phase: 'ESCALATED',
        phaseSince: T0,
        operationArn: undefined,
        escalation: 'the restart operation ended RESTART_FAILED; budget exhausted',
        quietUntil: T0 - 2 * MIN + 6 * HOUR,
      },
    },
    {
      case: 'RESTART_FAILED, restart-then-recreate, an attempt aged out of the window during the restart: recreate',
      record: { ...RESTARTING, attempts: [T0 - 6 * HOUR, T0 - HOUR, T0 - 2 * MIN] },
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: { ...RECREATING, attempts: [T0 - HOUR, T0 - 2 * MIN, T0] },
    },
    {
      case: 'operation timeout exactly reached: still wait',
      record: { ...RESTARTING, phaseSince: T0 - 15 * MIN },
      seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS' },
      expected: { action: NONE, phase: 'RESTARTING', events: [] },
      next: { ...RESTARTING, phaseSince: T0 - 15 * MIN },
    },
    {
      case: 'operation timeout passed, restart-then-recreate: recreate',
      record: { ...RESTARTING, phaseSince: T0 - 15 * MIN - 1 },
      seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: RECREATING,
      reason: 'the restart did not finish within 15 min: deleting to re-create from the stored request',
    },
    {
      case: 'operation timeout passed, restart-only: back to IDLE',
      record: { ...RESTARTING, phaseSince: T0 - 16 * MIN },
      seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS' },
      settings: { strategy: 'RESTART_ONLY' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...BACK_TO_IDLE, phaseSince: T0 },
      reason: 'the restart did not finish within 15 min; next attempt after the backoff',
    },
    {
      case: 'no operation ARN (the run died after RestartConnector), RUNNING 60 s later: verify',
      record: { ...RESTARTING, operationArn: undefined, phaseSince: T0 - 60 * SEC },
      seen: { state: 'RUNNING' },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: verifying(ARN),
      reason: 'restart finished (operation unknown); verifying',
    },
    {
      case: 'no operation ARN, RUNNING 59.999 s later: wait',
      record: { ...RESTARTING, operationArn: undefined, phaseSince: T0 - 60 * SEC + 1 },
      seen: { state: 'RUNNING' },
      expected: { action: NONE, phase: 'RESTARTING', events: [] },
      next: { ...RESTARTING, operationArn: undefined, phaseSince: T0 - 60 * SEC + 1 },
      reason: 'restart in progress (RUNNING); waiting',
    },
    {
      case: 'no operation ARN, still RESTARTING after 60 s: wait',
      record: { ...RESTARTING, operationArn: undefined, phaseSince: T0 - 5 * MIN },
      seen: { state: 'RESTARTING' },
      expected: { action: NONE, phase: 'RESTARTING', events: [] },
      next: { ...RESTARTING, operationArn: undefined, phaseSince: T0 - 5 * MIN },
    },
    {
      case: 'connector vanished: escalate',
      seen: { state: 'MISSING', op: 'RESTART_IN_PROGRESS' },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: { ...RESTARTING, phase: 'ESCALATED', phaseSince: T0, operationArn: undefined, escalation: 'connector disappeared during a restart' },
    },
    {
      case: 'a connector with a new ARN (re-created by someone else): verify the new one',
      seen: { state: 'RUNNING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: verifying(NEW_ARN),
      reason: 'the connector was re-created by someone else during the restart; verifying the new one',
    },
  ])('$case', ({ record, seen: spec, settings, trigger, expected, next, reason }) => {
    // WHEN
    const d = run({ record: record ?? RESTARTING, seen: spec, settings, trigger });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
    if (reason) {
      expect(d.reason).toBe(reason);
    }
  });

  test('the vanished-connector notice asks a human to re-create it', () => {
    const d = run({ record: RESTARTING, seen: { state: 'MISSING' } });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'needs a human: connector disappeared during a restart'),
      seen: 'The connector no longer exists; someone deleted it while the guard was restarting it.',
      done: 'Stopped acting: the guard only re-creates connectors it deleted itself.',
      next: 'Re-create the connector, then reset the guard with `{"action":"reset"}`.',
    });
  });

  test('the budget-exhausted notice after a failed restart names the cause and the budget', () => {
    const d = run({
      record: { ...RESTARTING, attempts: [T0 - 2 * HOUR, T0 - HOUR, T0 - 2 * MIN] },
      seen: { state: 'RUNNING', op: 'RESTART_FAILED', config: CONFIG.OK },
    });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'needs a human: the restart operation ended RESTART_FAILED; budget exhausted'),
      seen: 'The restart operation ended RESTART_FAILED, and the recovery budget (3 per 360 min) is used up.',
      done: 'Stopped acting: the recovery budget (3 per 360 min) is used up. No further notice until 2025-06-01T17:58:00.000Z, whatever the alarm does; the guard acts again from then.',
      next: 'Find out why the recovery steps do not help (worker logs, source database, network). '
        + 'A reset does not restore the budget: to act before then, restart the connector by hand (`aws kafkaconnect restart-connector`).',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// VERIFYING
// ---------------------------------------------------------------------------------------------

describe('VERIFYING', () => {
  const AFTER_RESTART: RecoveryRecord = {
    phase: 'VERIFYING', phaseSince: T0 - 4 * MIN, connectorArn: ARN, attempts: [T0 - 6 * MIN], incident: incident(['restart']),
  };
  const AFTER_RECREATE: RecoveryRecord = {
    phase: 'VERIFYING', phaseSince: T0 - 4 * MIN, connectorArn: NEW_ARN, attempts: [T0 - 40 * MIN, T0 - 20 * MIN], incident: incident(['restart', 'recreate']),
  };

  test.each<{ case: string; record: RecoveryRecord; seen: Seen; settings?: Partial<Settings>; expected: Outcome; next: RecoveryRecord }>([
    {
      case: 'alarm OK after a restart: recovered',
      record: AFTER_RESTART,
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 1200 }] },
      next: { phase: 'IDLE', attempts: [T0 - 6 * MIN] },
    },
    {
      case: 'alarm OK after a recreate: recovered',
      record: AFTER_RECREATE,
      seen: { alarm: 'OK', arn: NEW_ARN },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 1200 }] },
      next: { phase: 'IDLE', attempts: [T0 - 40 * MIN, T0 - 20 * MIN] },
    },
    {
      case: 'recovery seconds are rounded (90.499 s -> 90)',
      record: { ...AFTER_RESTART, incident: incident(['restart'], { startedAt: T0 - 90_499 }) },
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 90 }] },
      next: { phase: 'IDLE', attempts: [T0 - 6 * MIN] },
    },
    {
      case: 'recovery seconds are rounded (90.5 s -> 91)',
      record: { ...AFTER_RESTART, incident: incident(['restart'], { startedAt: T0 - 90_500 }) },
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 91 }] },
      next: { phase: 'IDLE', attempts: [T0 - 6 * MIN] },
    },
    {
      case: 'still ALARM within verifyMs: wait',
      record: AFTER_RESTART,
      seen: { alarm: 'ALARM' },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: AFTER_RESTART,
    },
    {
      case: 'INSUFFICIENT_DATA within verifyMs: wait',
      record: AFTER_RESTART,
      seen: { alarm: 'INSUFFICIENT_DATA' },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: AFTER_RESTART,
    },
    {
      case: 'still ALARM 1 ms before verifyMs: wait',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN + 1 },
      seen: { alarm: 'ALARM', config: CONFIG.OK },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN + 1 },
    },
    {
      case: 'still ALARM after verifyMs, last step restart, restart-then-recreate: read the stored request',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM' },
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
      next: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN, phase: 'IDLE' },
    },
    {
      case: 'still ALARM after verifyMs, last step restart, restart-then-recreate, request valid: delete',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: STARTED_RECREATE },
      next: { phase: 'DELETING', phaseSince: T0, connectorArn: ARN, attempts: [T0 - 6 * MIN, T0], incident: incident(['restart', 'recreate']), ranAs: RAN_AS },
    },
    {
      case: 'INSUFFICIENT_DATA after verifyMs following a restart: no recreate (no evidence), back to IDLE',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'INSUFFICIENT_DATA', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 6 * MIN], incident: incident(['restart']) },
    },
    {
      case: 'still ALARM after verifyMs following a restart that may never have run (refused on a retry): no recreate, restart again after the backoff',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN, restartUnconfirmed: true },
      seen: { alarm: 'ALARM', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 6 * MIN], incident: incident(['restart']), restartUnconfirmed: true },
    },
    {
      case: 'still ALARM after verifyMs, last step restart, no offset storage: escalate, no delete',
      record: { ...AFTER_RESTART, phaseSince: T0 - 11 * MIN },
      seen: { alarm: 'ALARM', config: CONFIG.NO_OFFSETS },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: {
        ...AFTER_RESTART, phase: 'ESCALATED', phaseSince: T0, escalation: 'recreate would lose committed offsets; not deleting',
      },
    },
    {
      case: 'still ALARM after verifyMs in maintenance: no recreate, back to IDLE',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', enabled: false, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...AFTER_RESTART, phase: 'IDLE', phaseSince: T0 },
    },
    {
      case: 'still ALARM after verifyMs, connector PAUSED by an operator: no recreate, back to IDLE',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', state: 'PAUSED', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { ...AFTER_RESTART, phase: 'IDLE', phaseSince: T0 },
    },
    {
      case: 'still ALARM after verifyMs, restart-only: back to IDLE for another attempt',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', config: CONFIG.OK },
      settings: { strategy: 'RESTART_ONLY' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 6 * MIN], incident: incident(['restart']) },
    },
    {
      case: 'still ALARM after verifyMs following a recreate: back to IDLE for another attempt',
      record: { ...AFTER_RECREATE, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', arn: NEW_ARN, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 40 * MIN, T0 - 20 * MIN], incident: incident(['restart', 'recreate']) },
    },
    {
      case: 'INSUFFICIENT_DATA after verifyMs following a recreate: back to IDLE',
      record: { ...AFTER_RECREATE, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'INSUFFICIENT_DATA', arn: NEW_ARN },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 40 * MIN, T0 - 20 * MIN], incident: incident(['restart', 'recreate']) },
    },
    {
      case: 'connector gone after verifyMs: back to IDLE (which escalates)',
      record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN },
      seen: { alarm: 'ALARM', state: 'MISSING', config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', phaseSince: T0, attempts: [T0 - 6 * MIN], incident: incident(['restart']) },
    },
  ])('$case', ({ record, seen: spec, settings, expected, next }) => {
    // WHEN
    const d = run({ record, seen: spec, settings });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
  });

  test('the recovery notice says what was seen and done, and how long it took', () => {
    const d = run({ record: AFTER_RECREATE, seen: { alarm: 'OK', arn: NEW_ARN } });
    expect(d.notice).toEqual({
      severity: 'INFO',
      subject: subject('INFO', 'connector recovered'),
      seen: 'The alarm fired while the connector reported RUNNING.',
      done: 'Recovered by restart then recreate; the alarm is OK again 1200 s after the first step.',
      next: 'Nothing now. If this repeats, look for the root cause (network idle timeouts, source database restarts).',
    });
    expect(d.reason).toBe('alarm back to OK: recovered');
  });

  test('after a recreate allowed to lose the committed offsets, the recovery notice is a WARNING that says so', () => {
    const d = run({ record: { ...AFTER_RECREATE, incident: { ...AFTER_RECREATE.incident!, offsetsReset: 'allowOffsetReset let the create through without that proof' } }, seen: { alarm: 'OK', arn: NEW_ARN } });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'connector recovered, committed offsets reset'),
      seen: 'The alarm fired while the connector reported RUNNING.',
      done: 'Recovered by restart then recreate; the alarm is OK again 1200 s after the first step. '
        + 'The new connector is not proven to resume from the committed offsets (allowOffsetReset let the create through without that proof), so it may have started without them.',
      next: 'Check the data downstream: Debezium re-snapshots the captured tables (snapshot.mode=initial), or with snapshot.mode=never the changes '
        + 'made before the recreate are missing. To keep offsets next time, give the stored request a worker configuration that sets offset.storage.topic.',
    });
    expect(d.record).toEqual({ phase: 'IDLE', attempts: AFTER_RECREATE.attempts });
  });

  test('after a recreate that did not help, the next attempt waits for the backoff, then restarts the new connector', () => {
    // GIVEN a 30 min cooldown; the last attempt (the recreate) was at T0 - 20 min
    const settings = { cooldownMs: 30 * MIN };
    const back = run({ record: { ...AFTER_RECREATE, phaseSince: T0 - 10 * MIN }, seen: { arn: NEW_ARN }, settings });

    // WHEN
    const tooSoon = run({ record: back.record, seen: { arn: NEW_ARN }, settings, now: T0 + 9 * MIN });
    const later = run({ record: back.record, seen: { arn: NEW_ARN }, settings, now: T0 + 10 * MIN });

    // THEN
    expect(outcome(back)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(tooSoon)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(tooSoon.reason).toBe('backing off: next attempt allowed at 2025-06-01T12:10:00.000Z');
    expect(outcome(later)).toEqual({ action: { kind: 'RESTART', connectorArn: NEW_ARN }, phase: 'RESTARTING', events: STARTED_RESTART });
    expect(later.record.incident?.steps).toEqual(['restart', 'recreate', 'restart']);
    expect(later.record.attempts).toEqual([T0 - 40 * MIN, T0 - 20 * MIN, T0 + 10 * MIN]);
  });

  test.each<{ case: string; seen: Seen; notice: string }>([
    { case: 'maintenance', seen: { enabled: false }, notice: 'alarm in maintenance, not recovering' },
    { case: 'PAUSED connector', seen: { state: 'PAUSED' }, notice: 'connector paused, not recovering' },
  ])('a fallback stopped by $case is reported once from IDLE, and nothing is deleted', ({ seen: spec, notice }) => {
    // GIVEN verification failed while the gate was on
    const back = run({ record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN }, seen: { ...spec, config: CONFIG.OK } });

    // WHEN the next ticks come with the gate still on
    const first = run({ record: back.record, seen: { ...spec, config: CONFIG.OK }, now: T0 + 5 * MIN });
    const second = run({ record: first.record, seen: { ...spec, config: CONFIG.OK }, now: T0 + 10 * MIN });

    // THEN
    expect(outcome(back)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(first)).toEqual({ action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] });
    expect(first.notice?.subject).toBe(subject('WARNING', notice));
    expect(outcome(second)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
  });

  test('after a restart that did not help (restart-only), the next restart waits for the backoff', () => {
    // GIVEN one attempt at T0 - 12 min; verification ends at T0
    const back = run({ record: { ...AFTER_RESTART, phaseSince: T0 - 10 * MIN, attempts: [T0 - 3 * MIN] }, seen: {}, settings: { strategy: 'RESTART_ONLY' } });

    // WHEN
    const tooSoon = run({ record: back.record, seen: {}, settings: { strategy: 'RESTART_ONLY' }, now: T0 + MIN });
    const later = run({ record: back.record, seen: {}, settings: { strategy: 'RESTART_ONLY' }, now: T0 + 2 * MIN });

    // THEN: cooldown 5 min after T0 - 3 min
    expect(outcome(back)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(tooSoon)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(outcome(later)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
  });
});

// ---------------------------------------------------------------------------------------------
// DELETING
// ---------------------------------------------------------------------------------------------

describe('DELETING', () => {
  const DELETING: RecoveryRecord = {
    phase: 'DELETING', phaseSince: T0 - 3 * MIN, connectorArn: ARN, attempts: [T0 - 20 * MIN, T0 - 3 * MIN], incident: incident(['restart', 'recreate']),
  };
  const CREATING: RecoveryRecord = { ...DELETING, phase: 'CREATING', phaseSince: T0, connectorArn: undefined };
  /** Five minutes after the intent, never accepted: a connector listed intact now is really intact. */
  const SETTLED: RecoveryRecord = { ...DELETING, phaseSince: T0 - 5 * MIN };
  const STOOD_DOWN: RecoveryRecord = { ...SETTLED, phase: 'IDLE', phaseSince: T0, connectorArn: undefined };
  /** AWS accepted the delete ten minutes ago. */
  const ACCEPTED: RecoveryRecord = { ...DELETING, phaseSince: T0 - 10 * MIN, deleteAccepted: true };

  test.each<Row>([
    {
      case: 'connector gone: read the stored request',
      seen: { state: 'MISSING' },
      expected: { action: LOAD_CONFIG, phase: 'DELETING', events: [] },
      next: DELETING,
    },
    {
      case: 'connector gone, request valid: create',
      seen: { state: 'MISSING', config: CONFIG.OK },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector gone, request valid but offsets no longer preserved: create anyway (it is deleted)',
      seen: { state: 'MISSING', config: CONFIG.NO_OFFSETS },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector gone in maintenance: create anyway',
      seen: { state: 'MISSING', enabled: false, config: CONFIG.OK },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector gone, alarm OK: create anyway',
      seen: { state: 'MISSING', alarm: 'OK', config: CONFIG.OK },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      // Its role can no longer read the request or create (permissions.ts): say so, and keep owing the create.
      case: 'connector gone, strategy switched to notify-only meanwhile: escalate CRITICAL, owing the create',
      seen: { state: 'MISSING', config: CONFIG.OK },
      settings: { strategy: 'NOTIFY_ONLY' },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED },
      next: { ...DELETING, phase: 'ESCALATED', phaseSince: T0, escalation: 'connector deleted, but the strategy is now NOTIFY_ONLY', createOwed: true },
    },
    {
      case: 'connector gone, request now invalid: escalate CRITICAL',
      seen: { state: 'MISSING', config: CONFIG.WRONG_ROLE },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED },
      next: { ...DELETING, phase: 'ESCALATED', phaseSince: T0, escalation: 'connector deleted but the stored request is no longer usable', createOwed: true },
    },
    {
      case: 'still DELETING within the operation timeout: wait quietly',
      seen: { state: 'DELETING' },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: DELETING,
    },
    {
      case: 'still DELETING exactly at the operation timeout: wait quietly',
      record: { ...DELETING, phaseSince: T0 - 15 * MIN },
      seen: { state: 'DELETING' },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: { ...DELETING, phaseSince: T0 - 15 * MIN },
    },
    {
      case: 'still DELETING after the operation timeout: one slow notice',
      record: { ...DELETING, phaseSince: T0 - 15 * MIN - 1 },
      seen: { state: 'DELETING' },
      expected: { action: NONE, phase: 'DELETING', notice: 'WARNING', events: [] },
      next: { ...DELETING, phaseSince: T0 - 15 * MIN - 1, slowNoticeSent: true },
    },
    {
      case: 'still DELETING, slow notice already sent: wait quietly',
      record: { ...DELETING, phaseSince: T0 - HOUR, slowNoticeSent: true },
      seen: { state: 'DELETING' },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: { ...DELETING, phaseSince: T0 - HOUR, slowNoticeSent: true },
    },
    {
      // Right after the intent a listing may still show the connector as it was (or the delete's answer was lost).
      case: 'RUNNING with the same ARN less than 5 min after the intent: wait, neither delete again nor stand down',
      record: { ...DELETING, phaseSince: T0 - 5 * MIN + 1 },
      seen: { state: 'RUNNING', alarm: 'OK', config: CONFIG.OK },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: { ...DELETING, phaseSince: T0 - 5 * MIN + 1 },
    },
    {
      // The request was validated when the delete was decided; the intent was saved, then the run died.
      case: 'RUNNING with the same ARN 5 min after the intent (the delete was never issued: a crash): delete again, not counted as a new step',
      record: SETTLED,
      seen: { state: 'RUNNING', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: [] },
      next: SETTLED,
    },
    {
      case: 'FAILED with the same ARN, settled: delete again',
      record: SETTLED,
      seen: { state: 'FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: [] },
      next: SETTLED,
    },
    {
      case: 'RUNNING with the same ARN in maintenance, settled: the delete did not take, so the guard stands down',
      record: SETTLED,
      seen: { state: 'RUNNING', enabled: false, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
      reason: 'the delete did not take and the maintenance switch is on (alarm actions disabled): not deleting',
    },
    {
      case: 'RUNNING with the same ARN and the alarm OK again, settled: stand down',
      record: SETTLED,
      seen: { state: 'RUNNING', alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
      reason: 'the delete did not take and the alarm is OK: not deleting',
    },
    {
      case: 'RUNNING with the same ARN, alarm INSUFFICIENT_DATA, settled: stand down',
      record: SETTLED,
      seen: { state: 'RUNNING', alarm: 'INSUFFICIENT_DATA' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
    },
    {
      case: 'PAUSED with the same ARN (an operator paused it before the delete took), settled: stand down',
      record: SETTLED,
      seen: { state: 'PAUSED' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
      reason: 'the delete did not take and the connector is PAUSED: not deleting',
    },
    {
      case: 'RUNNING with the same ARN after a redeploy to restart-only, settled: stand down',
      record: SETTLED,
      seen: { state: 'RUNNING' },
      settings: { strategy: 'RESTART_ONLY' },
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
      reason: 'the delete did not take and the strategy is now RESTART_ONLY: not deleting',
    },
    {
      case: 'UPDATING with the same ARN (someone else is changing it), settled: wait, no delete',
      record: SETTLED,
      seen: { state: 'UPDATING' },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: SETTLED,
    },
    {
      case: 'UPDATING with the same ARN past the operation timeout: one slow notice',
      record: { ...SETTLED, phaseSince: T0 - 15 * MIN - 1 },
      seen: { state: 'UPDATING' },
      expected: { action: NONE, phase: 'DELETING', notice: 'WARNING', events: [] },
      next: { ...SETTLED, phaseSince: T0 - 15 * MIN - 1, slowNoticeSent: true },
    },
    {
      case: 'RUNNING with the same ARN in maintenance, settled, an operator asks to recover: no second delete without the alarm; stand down (answered)',
      record: SETTLED,
      seen: { state: 'RUNNING', enabled: false, alarm: 'OK', config: CONFIG.OK },
      trigger: 'MANUAL_RECOVER',
      expected: { action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] },
      next: STOOD_DOWN,
    },
    {
      // AWS accepted the delete: the connector may yet disappear, so the guard never stands down, but it
      // does not delete again where a first delete would not be allowed either.
      case: 'AWS accepted the delete, connector still listed FAILED with the alarm OK: no stand-down, no new delete; waiting',
      record: ACCEPTED,
      seen: { state: 'FAILED', alarm: 'OK', config: CONFIG.OK },
      expected: { action: NONE, phase: 'DELETING', events: [] },
      next: ACCEPTED,
    },
    {
      case: 'AWS accepted the delete, connector still listed RUNNING in maintenance past the operation timeout: one notice, still waiting',
      record: { ...ACCEPTED, phaseSince: T0 - HOUR },
      seen: { state: 'RUNNING', enabled: false, config: CONFIG.OK },
      expected: { action: NONE, phase: 'DELETING', notice: 'WARNING', events: [] },
      next: { ...ACCEPTED, phaseSince: T0 - HOUR, slowNoticeSent: true },
    },
    {
      case: 'AWS accepted the delete, connector still listed FAILED with the alarm in ALARM: the proof, then delete again',
      record: ACCEPTED,
      seen: { state: 'FAILED', config: CONFIG.OK },
      expected: { action: DELETE, phase: 'DELETING', events: [] },
      next: ACCEPTED,
    },
    {
      case: 'a different ARN, RUNNING (someone else re-created it): verify it',
      seen: { state: 'RUNNING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: { ...DELETING, phase: 'VERIFYING', phaseSince: T0, connectorArn: NEW_ARN },
    },
    {
      case: 'a different ARN, CREATING: wait for it in CREATING',
      seen: { state: 'CREATING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'CREATING', events: [] },
      next: { ...DELETING, phase: 'CREATING', connectorArn: NEW_ARN },
    },
    {
      case: 'a different ARN, FAILED: escalate CRITICAL',
      seen: { state: 'FAILED', arn: NEW_ARN },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED },
      next: { ...DELETING, phase: 'ESCALATED', phaseSince: T0, escalation: 're-created connector FAILED' },
    },
  ])('$case', ({ record, seen: spec, settings, trigger, expected, next, reason }) => {
    // WHEN
    const d = run({ record: record ?? DELETING, seen: spec, settings, trigger });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
    if (reason !== undefined) {
      expect(d.reason).toBe(reason);
    }
  });

  test('standing down before a delete that did not take says what was seen and that nothing was deleted', () => {
    const d = run({ record: SETTLED, seen: { state: 'RUNNING', alarm: 'OK' } });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'recreate abandoned before the delete'),
      seen: 'The guard had decided to re-create the connector, but the delete did not take (the connector is RUNNING), and the alarm is OK.',
      done: 'Nothing was deleted: the connector is as it was, and the guard is idle again.',
      next: 'Nothing. The guard acts again on the next alarm.',
    });
  });

  test('the CRITICAL notice says the connector is deleted and names the problem', () => {
    const d = run({ record: DELETING, seen: { state: 'MISSING', config: CONFIG.NOT_JSON } });
    expect(d.notice).toEqual({
      severity: 'CRITICAL',
      subject: subject('CRITICAL', 'needs a human: connector deleted but the stored request is no longer usable'),
      seen: `The guard deleted the connector, and the stored CreateConnector request is now unusable: ${PROBLEM.NOT_JSON}.`,
      done: 'Could not re-create the connector. It is DELETED.',
      next: 'Fix the stored request now (the guard re-checks it every minute and re-creates the connector once it is usable), '
        + 'or invoke the guard with `{"action":"recover"}` (it accepts a request changed since the delete, if it keeps the offsets), '
        + 'or create the connector by hand.',
    });
  });

  test('the slow notice says the guard keeps waiting', () => {
    const d = run({ record: { ...DELETING, phaseSince: T0 - 20 * MIN }, seen: { state: 'DELETING' } });
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: subject('WARNING', 'recovery taking longer than expected'),
      seen: 'The connector has been DELETING longer than expected.',
      done: 'Still waiting; the guard re-creates it as soon as the delete finishes.',
      next: 'Nothing yet. If it stays DELETING for hours, contact AWS support.',
    });
    expect(d.reason).toBe('delete in progress; waiting (slower than 15 min)');
  });

  test('a slow delete is reported once over many ticks, then the create follows', () => {
    // GIVEN
    let record = DELETING;
    const notices: (Severity | undefined)[] = [];

    // WHEN
    for (let minute = 0; minute <= 30; minute += 5) {
      const d = run({ record, seen: { state: 'DELETING' }, now: T0 + minute * MIN });
      notices.push(d.notice?.severity);
      record = d.record;
    }
    const gone = runLoading({ record, seen: { state: 'MISSING' }, now: T0 + 35 * MIN, config: CONFIG.OK });

    // THEN
    expect(notices).toEqual([undefined, undefined, undefined, 'WARNING', undefined, undefined, undefined]);
    expect(outcome(gone.final)).toEqual({ action: CREATE, phase: 'CREATING', events: [] });
    expect(gone.final.record.slowNoticeSent).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// CREATING
// ---------------------------------------------------------------------------------------------

describe('CREATING', () => {
  const CREATING: RecoveryRecord = {
    phase: 'CREATING', phaseSince: T0 - 2 * MIN, attempts: [T0 - 20 * MIN, T0 - 5 * MIN], incident: incident(['restart', 'recreate']),
  };

  test.each<{ case: string; record?: RecoveryRecord; seen: Seen; expected: Outcome; next: RecoveryRecord }>([
    {
      case: 'connector missing: read the stored request',
      seen: { state: 'MISSING' },
      expected: { action: LOAD_CONFIG, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector missing, request valid: create again',
      seen: { state: 'MISSING', config: CONFIG.OK },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector missing in maintenance: create again',
      seen: { state: 'MISSING', enabled: false, config: CONFIG.OK },
      expected: { action: CREATE, phase: 'CREATING', events: [] },
      next: CREATING,
    },
    {
      case: 'connector missing, request invalid: escalate CRITICAL',
      seen: { state: 'MISSING', config: CONFIG.BOTH_CAPACITIES },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED },
      next: { ...CREATING, phase: 'ESCALATED', phaseSince: T0, escalation: 'create pending but the stored request is unusable', createOwed: true },
    },
    {
      case: 'new connector CREATING: wait, following its ARN',
      seen: { state: 'CREATING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'CREATING', events: [] },
      next: { ...CREATING, connectorArn: NEW_ARN },
    },
    {
      case: 'new connector CREATING after the operation timeout: one slow notice',
      record: { ...CREATING, phaseSince: T0 - 16 * MIN },
      seen: { state: 'CREATING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'CREATING', notice: 'WARNING', events: [] },
      next: { ...CREATING, phaseSince: T0 - 16 * MIN, connectorArn: NEW_ARN, slowNoticeSent: true },
    },
    {
      case: 'new connector CREATING, slow notice already sent: wait quietly',
      record: { ...CREATING, phaseSince: T0 - 40 * MIN, connectorArn: NEW_ARN, slowNoticeSent: true },
      seen: { state: 'CREATING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'CREATING', events: [] },
      next: { ...CREATING, phaseSince: T0 - 40 * MIN, connectorArn: NEW_ARN, slowNoticeSent: true },
    },
    {
      case: 'new connector RUNNING: verify it, with its new ARN',
      seen: { state: 'RUNNING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'VERIFYING', events: [] },
      next: { ...CREATING, phase: 'VERIFYING', phaseSince: T0, connectorArn: NEW_ARN },
    },
    {
      case: 'new connector FAILED: escalate CRITICAL',
      seen: { state: 'FAILED', arn: NEW_ARN },
      expected: { action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED },
      next: { ...CREATING, phase: 'ESCALATED', phaseSince: T0, escalation: 're-created connector FAILED' },
    },
    {
      case: 'new connector UPDATING: wait',
      seen: { state: 'UPDATING', arn: NEW_ARN },
      expected: { action: NONE, phase: 'CREATING', events: [] },
      next: { ...CREATING, connectorArn: NEW_ARN },
    },
  ])('$case', ({ record, seen: spec, expected, next }) => {
    // WHEN
    const d = run({ record: record ?? CREATING, seen: spec });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
  });

  test('the FAILED notice is CRITICAL and points at the new connector\'s logs', () => {
    const d = run({ record: CREATING, seen: { state: 'FAILED', arn: NEW_ARN } });
    expect(d.notice).toEqual({
      severity: 'CRITICAL',
      subject: subject('CRITICAL', 'needs a human: re-created connector FAILED'),
      seen: 'The guard re-created the connector from the stored request, and the new connector is FAILED.',
      done: 'Stopped acting.',
      next: 'Read the new connector\'s worker logs; fix the stored request or its dependencies, then `{"action":"reset"}`.',
    });
  });

  test('the invalid-request notice is CRITICAL and names the problem', () => {
    const d = run({ record: CREATING, seen: { state: 'MISSING', config: CONFIG.WRONG_NAME } });
    expect(d.notice).toEqual({
      severity: 'CRITICAL',
      subject: subject('CRITICAL', 'needs a human: create pending but the stored request is unusable'),
      seen: `The connector is deleted and the stored CreateConnector request is unusable: ${PROBLEM.WRONG_NAME}.`,
      done: 'Could not re-create the connector. It is DELETED.',
      next: 'Fix the stored request (the guard re-checks it every minute and re-creates the connector once it is usable), '
        + 'or invoke the guard with `{"action":"recover"}` (it accepts a request changed since the delete, if it keeps the offsets), '
        + 'or create the connector by hand.',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ESCALATED
// ---------------------------------------------------------------------------------------------

describe('ESCALATED', () => {
  const ESCALATION = 'stored request differs from the running connector; not deleting';
  const ATTEMPTS = [T0 - 2 * HOUR, T0 - HOUR];
  const ESCALATED_RECORD: RecoveryRecord = {
    phase: 'ESCALATED',
    phaseSince: T0 - 30 * MIN,
    escalation: ESCALATION,
    connectorArn: ARN,
    attempts: ATTEMPTS,
    incident: incident(['restart', 'restart'], { startedAt: T0 - 3 * HOUR }),
  };

  test.each<{ case: string; seen: Seen; trigger?: TriggerKind; expected: Outcome; next: RecoveryRecord }>([
    {
      case: 'alarm OK: active again, with a notice',
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
      next: { phase: 'IDLE', attempts: ATTEMPTS },
    },
    {
      case: 'still ALARM on a tick: stay quiet',
      seen: { alarm: 'ALARM' },
      expected: { action: NONE, phase: 'ESCALATED', events: [] },
      next: ESCALATED_RECORD,
    },
    {
      case: 'still ALARM on an alarm event: stay quiet',
      seen: { alarm: 'ALARM' },
      trigger: 'ALARM',
      expected: { action: NONE, phase: 'ESCALATED', events: [] },
      next: ESCALATED_RECORD,
    },
    {
      case: 'INSUFFICIENT_DATA: stay quiet',
      seen: { alarm: 'INSUFFICIENT_DATA' },
      expected: { action: NONE, phase: 'ESCALATED', events: [] },
      next: ESCALATED_RECORD,
    },
    {
      case: 'scheduled restart while escalated: nothing',
      seen: { alarm: 'ALARM' },
      trigger: 'SCHEDULED_RESTART',
      expected: { action: NONE, phase: 'ESCALATED', events: [] },
      next: ESCALATED_RECORD,
    },
    {
      case: 'MANUAL_RESET: IDLE, the attempts in the window still count',
      seen: { alarm: 'ALARM' },
      trigger: 'MANUAL_RESET',
      expected: { action: NONE, phase: 'IDLE', notice: 'INFO', events: [] },
      next: { phase: 'IDLE', attempts: ATTEMPTS },
    },
    {
      case: 'MANUAL_RECOVER, RUNNING: restart, counted with the attempts before',
      seen: { alarm: 'ALARM' },
      trigger: 'MANUAL_RECOVER',
      expected: { action: RESTART, phase: 'RESTARTING', notice: 'INFO', events: STARTED_RESTART },
      next: {
        phase: 'RESTARTING',
        phaseSince: T0,
        connectorArn: ARN,
        attempts: [...ATTEMPTS, T0],
        incident: incident(['restart', 'restart', 'restart'], { startedAt: T0 - 3 * HOUR }),
      },
    },
    {
      case: 'MANUAL_RECOVER in maintenance: restart',
      seen: { alarm: 'ALARM', enabled: false },
      trigger: 'MANUAL_RECOVER',
      expected: { action: RESTART, phase: 'RESTARTING', notice: 'INFO', events: STARTED_RESTART },
      next: {
        phase: 'RESTARTING',
        phaseSince: T0,
        connectorArn: ARN,
        attempts: [...ATTEMPTS, T0],
        incident: incident(['restart', 'restart', 'restart'], { startedAt: T0 - 3 * HOUR }),
      },
    },
    {
      case: 'MANUAL_RECOVER, FAILED: read the stored request',
      seen: { alarm: 'ALARM', state: 'FAILED' },
      trigger: 'MANUAL_RECOVER',
      expected: { action: LOAD_CONFIG, phase: 'IDLE', events: [] },
      next: { ...ESCALATED_RECORD, phase: 'IDLE', escalation: undefined },
    },
    {
      case: 'MANUAL_RECOVER, FAILED, request valid: delete',
      seen: { alarm: 'ALARM', state: 'FAILED', config: CONFIG.OK },
      trigger: 'MANUAL_RECOVER',
      expected: { action: DELETE, phase: 'DELETING', notice: 'INFO', events: STARTED_RECREATE },
      next: {
        phase: 'DELETING',
        phaseSince: T0,
        connectorArn: ARN,
        attempts: [...ATTEMPTS, T0],
        incident: incident(['restart', 'restart', 'recreate'], { startedAt: T0 - 3 * HOUR }),
        ranAs: RAN_AS,
      },
    },
    {
      case: 'MANUAL_RECOVER, FAILED, request still invalid: escalated again',
      seen: { alarm: 'ALARM', state: 'FAILED', config: CONFIG.WRONG_ROLE },
      trigger: 'MANUAL_RECOVER',
      expected: { action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED },
      next: {
        ...ESCALATED_RECORD, phaseSince: T0, escalation: 'stored CreateConnector request unusable; not deleting',
      },
    },
  ])('$case', ({ seen: spec, trigger, expected, next }) => {
    // WHEN
    const d = run({ record: ESCALATED_RECORD, seen: spec, trigger });

    // THEN
    expect(outcome(d)).toEqual(expected);
    expect(d.record).toEqual(next);
  });

  test('the all-clear notice names the escalation', () => {
    const d = run({ record: ESCALATED_RECORD, seen: { alarm: 'OK' } });
    expect(d.notice).toEqual({
      severity: 'INFO',
      subject: subject('INFO', 'alarm cleared after escalation'),
      seen: `The alarm is OK again (the guard had escalated: ${ESCALATION}).`,
      done: 'The guard is active again.',
      next: 'Nothing.',
    });
  });

  test('the reset notice names the phase and the escalation', () => {
    const d = run({ record: ESCALATED_RECORD, seen: {}, trigger: 'MANUAL_RESET' });
    expect(d.notice).toEqual({
      severity: 'INFO',
      subject: subject('INFO', 'guard reset by an operator'),
      seen: `An operator invoked the guard with {"action":"reset"}. The guard was in phase ESCALATED (${ESCALATION}).`,
      done: 'Cleared the escalation. The 2 recovery attempts of the last 360 min still count against the budget of 3.',
      next: 'Nothing. The guard acts again on the next alarm.',
    });
  });

  test('an escalation is reported once: the following ticks are quiet', () => {
    // GIVEN
    const first = run({ record: { phase: 'IDLE', attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR] }, seen: {} });

    // WHEN
    const ticks = [1, 2, 3].map((i) => run({ record: first.record, seen: {}, now: T0 + i * 5 * MIN }));

    // THEN
    expect(outcome(first)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(ticks.map(outcome)).toEqual([1, 2, 3].map(() => ({ action: NONE, phase: 'ESCALATED', events: [] })));
  });

  describe('the budget used up: one notice, then quiet until the guard may act again, however the alarm flaps', () => {
    const SPENT = [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR];
    const QUIET_UNTIL = T0 - HOUR + 6 * HOUR;

    test('the escalation says when the guard acts again, and records it', () => {
      const d = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} });
      expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
      expect(d.record.quietUntil).toBe(QUIET_UNTIL);
      expect(d.notice?.done).toBe('Stopped acting: the recovery budget (3 per 360 min) is used up. '
        + 'No further notice until 2025-06-01T17:00:00.000Z, whatever the alarm does; the guard acts again from then.');
      expect(d.notice?.next).toContain('A reset does not restore the budget');
    });

    test('a flapping alarm (OK, ALARM, OK, ...) until then: no notice, no action, still escalated', () => {
      let record = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} }).record;
      const decisions: Decision[] = [];
      for (let minute = 1; minute < 5 * 60; minute++) {
        const alarm = Math.floor(minute / 7) % 2 === 0 ? 'OK' : 'ALARM';
        const d = run({ record, seen: { alarm }, trigger: minute % 7 === 0 ? 'ALARM' : 'TICK', now: T0 + minute * MIN });
        decisions.push(d);
        record = d.record;
      }
      expect(decisions.filter((d) => d.notice !== undefined || d.action.kind !== 'NONE')).toEqual([]);
      expect(record).toMatchObject({ phase: 'ESCALATED', quietUntil: QUIET_UNTIL });
    });

    test('then, with the alarm in ALARM, the guard acts again with its budget restored', () => {
      const escalated = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} }).record;
      const d = run({ record: escalated, seen: {}, now: QUIET_UNTIL });
      expect(outcome(d)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
      expect(d.record.attempts).toEqual([QUIET_UNTIL]);
      expect(d.record.quietUntil).toBeUndefined();
    });

    test('then, with the alarm OK, back to IDLE silently', () => {
      const escalated = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} }).record;
      const d = run({ record: escalated, seen: { alarm: 'OK' }, now: QUIET_UNTIL });
      expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
      expect(d.record).toEqual({ phase: 'IDLE', attempts: [] });
    });

    test('a reset ends the quiet, not the budget: the next alarm is escalated once more, with a notice', () => {
      const escalated = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} }).record;
      const reset = run({ record: escalated, seen: {}, trigger: 'MANUAL_RESET', now: T0 + MIN });
      expect(reset.record).toEqual({ phase: 'IDLE', attempts: SPENT });
      expect(reset.notice?.next).toBe('Nothing. The budget is used up: the guard acts again from 2025-06-01T15:00:00.000Z; an alarm before then is escalated once.');
      const next = run({ record: reset.record, seen: {}, trigger: 'ALARM', now: T0 + 2 * MIN });
      expect(outcome(next)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    });

    test('a recover while quiet is answered, and refused by the budget', () => {
      const escalated = run({ record: { phase: 'IDLE', attempts: SPENT }, seen: {} }).record;
      const d = run({ record: escalated, seen: {}, trigger: 'MANUAL_RECOVER', now: T0 + MIN });
      expect(d.action).toEqual(NONE);
      expect(d.notice?.seen).toMatch(/^An operator invoked the guard with \{"action":"recover"\}/);
      expect(d.notice?.subject).toBe(subject('WARNING', 'needs a human: recovery budget exhausted (3 attempts in the window)'));
    });

    test('a failed restart that spends the budget is quiet the same way', () => {
      const restarting: RecoveryRecord = {
        phase: 'RESTARTING', phaseSince: T0 - 5 * MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: SPENT, incident: incident(['restart']),
      };
      const d = run({ record: restarting, seen: { op: 'RESTART_FAILED' } });
      expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
      expect(d.record.quietUntil).toBe(QUIET_UNTIL);
    });
  });
});


describe('a connector the guard deleted is never forgotten', () => {
  const DELETING: RecoveryRecord = {
    phase: 'DELETING', phaseSince: T0 - 3 * MIN, connectorArn: ARN, attempts: [T0 - 20 * MIN, T0 - 3 * MIN], incident: incident(['restart', 'recreate']),
  };

  test('after a CRITICAL escalation, `recover` (as the notice says) re-creates it once the stored request is fixed', () => {
    // GIVEN the delete finished and the stored request turned out invalid
    const escalated = run({ record: DELETING, seen: { state: 'MISSING', config: CONFIG.WRONG_ROLE } });
    expect(outcome(escalated)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED });

    // WHEN the operator fixes the request and invokes `{"action":"recover"}`
    const { first, final } = runLoading({ record: escalated.record, seen: { state: 'MISSING' }, trigger: 'MANUAL_RECOVER', now: T0 + 30 * MIN, config: CONFIG.OK });

    // THEN
    expect(first.action).toEqual(LOAD_CONFIG);
    expect(outcome(final)).toEqual({ action: CREATE, phase: 'CREATING', notice: 'INFO', events: [] });
    expect(final.notice?.subject).toBe(subject('INFO', 'recover: creating the connector the guard deleted'));
    expect(final.record.escalation).toBeUndefined();
  });

  test('after a CRITICAL escalation, `recover` with the request still invalid escalates again, still CRITICAL', () => {
    const escalated = run({ record: DELETING, seen: { state: 'MISSING', config: CONFIG.WRONG_ROLE } });
    const d = run({ record: escalated.record, seen: { state: 'MISSING', config: CONFIG.WRONG_ROLE }, trigger: 'MANUAL_RECOVER', now: T0 + 30 * MIN });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED });
  });

  test('after a CRITICAL escalation, the alarm clearing does not make the guard forget the missing connector', () => {
    const escalated = run({ record: DELETING, seen: { state: 'MISSING', config: CONFIG.MISSING } });
    const later = { record: escalated.record, seen: { state: 'MISSING', alarm: 'OK' }, now: T0 + 30 * MIN };
    // Every tick reads the stored request again; while it is unusable, nothing else happens and nothing is sent.
    expect(outcome(run(later))).toEqual({ action: LOAD_CONFIG, phase: 'ESCALATED', events: [] });
    const still = run({ ...later, seen: { ...later.seen, config: CONFIG.MISSING } });
    expect(outcome(still)).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
    expect(still.record).toEqual(escalated.record);
  });

  /** Where the connector of `requestJson()` keeps its offsets. */
  const FROM = { workerConfigurationArn: WORKER_ARN, workerConfigurationRevision: 2, bootstrapServers: 'b-1.msk.example.com:9098' };

  test('once a human fixes the stored request, the next tick re-creates the connector the guard deleted (no recover needed)', () => {
    const escalated = run({ record: { ...DELETING, deletedFrom: FROM }, seen: { state: 'MISSING', config: CONFIG.MISSING } });
    const d = run({ record: escalated.record, seen: { state: 'MISSING', alarm: 'OK', config: CONFIG.OK }, now: T0 + 30 * MIN });
    expect(outcome(d)).toEqual({ action: CREATE, phase: 'CREATING', events: [] });
    expect(d.record).toMatchObject({ phase: 'CREATING', phaseSince: T0 + 30 * MIN, escalation: undefined, attempts: DELETING.attempts });
    expect(d.reason).toBe('the stored request is usable again: re-creating the deleted connector');
  });

  test('without knowing where the deleted connector kept its offsets, a usable request waits for an operator\'s recover', () => {
    const escalated = run({ record: DELETING, seen: { state: 'MISSING', config: CONFIG.MISSING } });
    const later = { record: escalated.record, seen: { state: 'MISSING', alarm: 'OK', config: CONFIG.OK } as Seen, now: T0 + 30 * MIN };
    expect(outcome(run(later))).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
    expect(outcome(run({ ...later, trigger: 'MANUAL_RECOVER' }))).toEqual({ action: CREATE, phase: 'CREATING', notice: 'INFO', events: [] });
  });

  test.each(['DELETING', 'CREATING'] as const)('%s, connector gone, strategy switched to restart-only: escalated owing the create, which goes ahead once a re-creating strategy is back', (phase) => {
    const switched = run({ record: { ...DELETING, phase, deletedFrom: FROM }, seen: { state: 'MISSING' }, settings: { strategy: 'RESTART_ONLY' } });
    expect(outcome(switched)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED });
    expect(switched.notice?.seen).toBe('The guard deleted the connector to re-create it, and its strategy has since been changed to RESTART_ONLY, whose role cannot create connectors.');
    expect(switched.notice?.next).toContain('Deploy the guard again with RESTART_THEN_RECREATE or RECREATE');
    expect(switched.record.createOwed).toBe(true);
    // still restart-only: a tick neither notifies again nor acts (its role cannot read the request: unusable)
    const tick = run({ record: switched.record, seen: { state: 'MISSING', config: CONFIG.MISSING }, settings: { strategy: 'RESTART_ONLY' }, now: T0 + MIN });
    expect(outcome(tick)).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
    // redeployed with the default strategy: the owed create goes ahead
    const back = run({ record: switched.record, seen: { state: 'MISSING', config: CONFIG.OK }, now: T0 + 2 * MIN });
    expect(back.action.kind).toBe('CREATE');
    expect(back.record.phase).toBe('CREATING');
  });

  describe('an owed create the strategy cannot make (found by review)', () => {
    const switched = () => run({ record: { ...DELETING, deletedFrom: FROM }, seen: { state: 'MISSING' }, settings: { strategy: 'RESTART_ONLY' } }).record;

    test('a stale listing of the deleted connector (DELETING, old ARN, alarm OK) does not settle the debt', () => {
      const stale = run({ record: switched(), seen: { state: 'DELETING', alarm: 'OK' }, settings: { strategy: 'RESTART_ONLY' }, now: T0 + MIN });
      expect(outcome(stale)).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
      expect(stale.record).toMatchObject({ createOwed: true, deletedFrom: FROM });
      // redeployed with a re-creating strategy, the connector gone: the owed create goes ahead
      const back = run({ record: stale.record, seen: { state: 'MISSING', config: CONFIG.OK }, now: T0 + 2 * MIN });
      expect(back.action.kind).toBe('CREATE');
    });

    test('ticks do not repeat the CRITICAL notice, even when the stored request is readable', () => {
      for (const minute of [1, 2, 3]) {
        const tick = run({ record: switched(), seen: { state: 'MISSING', config: CONFIG.OK }, settings: { strategy: 'RESTART_ONLY' }, now: T0 + minute * MIN });
        expect(outcome(tick)).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
      }
    });

    test('a reset keeps the debt and says why nothing happens', () => {
      const reset = run({ record: switched(), seen: { state: 'MISSING' }, settings: { strategy: 'RESTART_ONLY' }, trigger: 'MANUAL_RESET', now: T0 + MIN });
      expect(outcome(reset)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: [] });
      expect(reset.notice?.subject).toBe(subject('WARNING', 'guard reset by an operator; create still owed'));
      expect(reset.record).toMatchObject({ createOwed: true, deletedFrom: FROM, attempts: DELETING.attempts });
    });
  });

  test('an owed create that only allowOffsetReset lets through (where the offsets were is unknown) is recorded as an offsets reset', () => {
    const owed: RecoveryRecord = { ...DELETING, phase: 'ESCALATED', escalation: 'connector deleted but the stored request is no longer usable', createOwed: true, deletedFrom: undefined };
    const d = run({ record: owed, seen: { state: 'MISSING', config: CONFIG.OK }, settings: { allowOffsetReset: true } });
    expect(d.action.kind).toBe('CREATE');
    expect(d.record).toMatchObject({ phase: 'CREATING', incident: { offsetsReset: 'allowOffsetReset let the create through without that proof' } });
    // knowing where they were, and the request unchanged, it is a plain recreate
    const known = run({ record: { ...owed, deletedFrom: FROM }, seen: { state: 'MISSING', config: CONFIG.OK }, settings: { allowOffsetReset: true } });
    expect(known.action.kind).toBe('CREATE');
    expect(known.record.incident?.offsetsReset).toBeUndefined();
  });

  test('recover after an operator re-created the connector by hand: the restart carries no flag of the old recreate', () => {
    const owed: RecoveryRecord = {
      ...DELETING, phase: 'ESCALATED', escalation: 'connector deleted but the stored request is no longer usable', createOwed: true, deletedFrom: FROM, deleteAccepted: true,
    };
    const d = run({ record: owed, seen: { state: 'RUNNING', arn: NEW_ARN }, trigger: 'MANUAL_RECOVER' });
    expect(d.action).toEqual({ kind: 'RESTART', connectorArn: NEW_ARN });
    expect(d.record).toMatchObject({ phase: 'RESTARTING', createOwed: undefined, deletedFrom: undefined, deleteAccepted: undefined });
    // and should that connector then disappear, the guard escalates without owing (or making) a create
    const gone = run({ record: d.record, seen: { state: 'MISSING', config: CONFIG.OK }, now: T0 + MIN });
    expect(outcome(gone)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(gone.record.createOwed).toBeUndefined();
    expect(run({ record: gone.record, seen: { state: 'MISSING', config: CONFIG.OK }, now: T0 + 2 * MIN }).action).toEqual(NONE);
  });

  test('an escalation that does not owe a create (the re-created connector FAILED) never creates on its own, even when it disappears', () => {
    const failed = run({ record: { ...DELETING, phase: 'CREATING', connectorArn: NEW_ARN, deletedFrom: FROM }, seen: { state: 'FAILED', arn: NEW_ARN } });
    expect(failed.record).toMatchObject({ phase: 'ESCALATED', escalation: 're-created connector FAILED' });
    expect(failed.record.createOwed).toBeUndefined();
    // an operator deletes the failed connector
    const d = run({ record: failed.record, seen: { state: 'MISSING', enabled: false, config: CONFIG.OK }, now: T0 + 30 * MIN });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', events: [] });
  });

  describe('the request read again after the delete must still resume from where the deleted connector kept its offsets', () => {
    const check = (overrides: Record<string, unknown>) =>
      checkConnectorConfig(JSON.stringify(requestJson(overrides)), EXPECTATIONS, OFFSET_PROPERTIES);

    test.each([
      { case: 'keeps its offsets where the deleted one did: a plain recovery', location: FROM, reset: undefined },
      {
        case: 'runs with another worker configuration (someone else created it, the guard\'s create met a Conflict): the incident records it',
        location: { ...FROM, workerConfigurationArn: `${WORKER_ARN}-other` },
        reset: 'the connector now running uses another worker configuration, revision or Kafka cluster than the one the guard deleted; someone else may have created it',
      },
    ])('CREATING, a connector RUNNING under a new ARN that $case', ({ location, reset }) => {
      const connector = { arn: NEW_ARN, state: 'RUNNING', currentVersion: VERSION, ...location };
      const record: RecoveryRecord = { ...DELETING, phase: 'CREATING', connectorArn: undefined, deletedFrom: FROM };
      const d = decide({ record, observation: { ...seen({ state: 'RUNNING', arn: NEW_ARN }), connector }, trigger: 'TICK', settings: SETTINGS, now: T0 });
      expect(d.record.phase).toBe('VERIFYING');
      expect(d.record.incident?.offsetsReset).toBe(reset);
    });

    test('the delete saves where the connector kept its offsets', () => {
      const connector = { arn: ARN, state: 'FAILED', currentVersion: VERSION, ...FROM };
      const d = decide({ record: IDLE, observation: { ...seen({ state: 'FAILED', config: CONFIG.OK }), connector }, trigger: 'ALARM', settings: SETTINGS, now: T0 });
      expect(d.action.kind).toBe('DELETE');
      expect(d.record.deletedFrom).toEqual(FROM);
    });

    test.each([
      { case: 'unchanged', overrides: {}, blocked: undefined },
      {
        case: 'the same broker, spaced differently',
        overrides: { kafkaCluster: { apacheKafkaCluster: { bootstrapServers: ' b-1.msk.example.com:9098', vpc: { subnets: ['subnet-0aaa'] } } } },
        blocked: undefined,
      },
      {
        case: 'another worker configuration revision',
        overrides: { workerConfiguration: { workerConfigurationArn: WORKER_ARN, revision: 3 } },
        blocked: 'the deleted connector uses another worker configuration or revision than the stored request',
      },
      {
        case: 'another Kafka cluster',
        overrides: { kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1.other.example.com:9098', vpc: { subnets: ['subnet-0aaa'] } } } },
        blocked: 'the stored request names other bootstrap servers than the deleted connector uses',
      },
    ])('$case', ({ overrides, blocked }) => {
      const record: RecoveryRecord = { ...DELETING, deletedFrom: FROM };
      for (const phase of ['DELETING', 'CREATING'] as const) {
        const d = run({ record: { ...record, phase }, seen: { state: 'MISSING', config: check(overrides) } });
        if (blocked === undefined) {
          expect(d.action.kind).toBe('CREATE');
          expect(d.record.incident?.offsetsReset).toBeUndefined();
        } else {
          expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'CRITICAL', events: ESCALATED });
          expect(d.notice?.seen).toContain(`it changed since the delete: ${blocked}`);
          // allowOffsetReset accepts the change, and the incident records that the offsets may be reset (the recovery notice says so)
          const allowed = run({ record: { ...record, phase }, seen: { state: 'MISSING', config: check(overrides) }, settings: { allowOffsetReset: true } });
          expect(allowed.action.kind).toBe('CREATE');
          expect(allowed.record.incident).toMatchObject({ steps: record.incident!.steps, offsetsReset: 'allowOffsetReset let the create through without that proof' });
        }
      }
    });
  });

  test.each<{ case: string; record: RecoveryRecord; seen: Seen }>([
    { case: 'DELETING, connector gone', record: DELETING, seen: { state: 'MISSING' } },
    { case: 'DELETING, delete in progress', record: DELETING, seen: { state: 'DELETING' } },
    { case: 'CREATING, connector missing', record: { ...DELETING, phase: 'CREATING' }, seen: { state: 'MISSING' } },
  ])('MANUAL_RESET while $case keeps the recreate going, and the attempts counted', ({ record, seen: spec }) => {
    // WHEN
    const d = run({ record, seen: spec, trigger: 'MANUAL_RESET' });

    // THEN
    expect(outcome(d)).toEqual({ action: NONE, phase: record.phase, notice: 'INFO', events: [] });
    expect(d.record).toEqual(record);
    expect(d.notice?.done).toBe('The recreate in progress continues, so that the connector is not left deleted. '
      + 'The 2 recovery attempts of the last 360 min still count against the budget of 3.');
  });

  test.each<{ case: string; state: string }>([
    { case: 'RUNNING', state: 'RUNNING' }, { case: 'FAILED', state: 'FAILED' }, { case: 'PAUSED', state: 'PAUSED' },
  ])('MANUAL_RESET in DELETING while the connector is still $case, settled (the delete did not take): cancels the recreate', ({ state }) => {
    const accepted = run({ record: { ...DELETING, phaseSince: T0 - 15 * MIN - 1, deleteAccepted: true }, seen: { state }, trigger: 'MANUAL_RESET' });
    expect(accepted.record).toEqual({ phase: 'IDLE', attempts: DELETING.attempts }); // an accepted delete, once the operation timeout has passed
    const d = run({ record: { ...DELETING, phaseSince: T0 - 5 * MIN }, seen: { state }, trigger: 'MANUAL_RESET' });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'INFO', events: [] });
    expect(d.record).toEqual({ phase: 'IDLE', attempts: DELETING.attempts });
  });

  test.each<{ case: string; record: RecoveryRecord }>([
    { case: 'less than 5 min after the intent (the listing may be stale)', record: { ...DELETING, phaseSince: T0 - 5 * MIN + 1 } },
    { case: 'after AWS accepted the delete, within the operation timeout', record: { ...DELETING, phaseSince: T0 - 10 * MIN, deleteAccepted: true } },
  ])('MANUAL_RESET in DELETING with the connector listed RUNNING $case: the recreate continues', ({ record }) => {
    const d = run({ record, seen: { state: 'RUNNING' }, trigger: 'MANUAL_RESET' });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'DELETING', notice: 'INFO', events: [] });
    expect(d.record).toEqual(record);
  });

  test.each<{ case: string; record: RecoveryRecord }>([
    { case: 'IDLE', record: { phase: 'IDLE', attempts: [T0 - HOUR], noticeKey: 'paused' } },
    { case: 'RESTARTING', record: { phase: 'RESTARTING', phaseSince: T0 - MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: [T0 - MIN] } },
    { case: 'VERIFYING', record: { phase: 'VERIFYING', phaseSince: T0 - MIN, connectorArn: ARN, attempts: [T0 - MIN], incident: incident(['restart']) } },
  ])('MANUAL_RESET in $case: IDLE with nothing remembered but the attempts', ({ record }) => {
    const d = run({ record, seen: {}, trigger: 'MANUAL_RESET' });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'INFO', events: [] });
    expect(d.record).toEqual({ phase: 'IDLE', attempts: record.attempts });
  });
});

// ---------------------------------------------------------------------------------------------
// STATUS
// ---------------------------------------------------------------------------------------------

describe('STATUS never acts and changes nothing', () => {
  test.each<{ case: string; record: RecoveryRecord; seen: Seen }>([
    { case: 'IDLE, FAILED, ALARM', record: IDLE, seen: { state: 'FAILED', config: CONFIG.OK } },
    { case: 'RESTARTING, operation done', record: { phase: 'RESTARTING', phaseSince: T0 - 5 * MIN, connectorArn: ARN, attempts: [] }, seen: { op: 'RESTART_COMPLETE' } },
    { case: 'DELETING, connector gone', record: { phase: 'DELETING', phaseSince: T0 - 5 * MIN, connectorArn: ARN, attempts: [] }, seen: { state: 'MISSING', config: CONFIG.OK } },
    { case: 'CREATING, connector missing', record: { phase: 'CREATING', phaseSince: T0 - 5 * MIN, attempts: [] }, seen: { state: 'MISSING', config: CONFIG.OK } },
    { case: 'ESCALATED, alarm OK', record: { phase: 'ESCALATED', attempts: [], escalation: 'x' }, seen: { alarm: 'OK' } },
  ])('$case', ({ record, seen: spec }) => {
    const d = run({ record, seen: spec, trigger: 'STATUS' });
    expect(outcome(d)).toEqual({ action: NONE, phase: record.phase, events: [] });
    expect(d.record).toBe(record);
    expect(d.reason).toBe(`status requested; phase ${record.phase}`);
  });
});

// ---------------------------------------------------------------------------------------------
// SCHEDULED_RESTART
// ---------------------------------------------------------------------------------------------

describe('SCHEDULED_RESTART', () => {
  const SCHEDULED_INCIDENT: Incident = { startedAt: T0, trigger: 'SCHEDULED_RESTART', initialState: 'RUNNING', steps: ['restart'] };
  /** A daily schedule. */
  const DAILY: Partial<Settings> = { scheduledRestartIntervalMs: 24 * HOUR };

  test.each<Row>([
    {
      case: 'RUNNING, alarm OK: restart, counted as an attempt, and its time kept',
      record: { phase: 'IDLE', attempts: [T0 - HOUR] },
      seen: { alarm: 'OK' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      next: { phase: 'RESTARTING', phaseSince: T0, connectorArn: ARN, attempts: [T0 - HOUR, T0], incident: SCHEDULED_INCIDENT, lastScheduledRestart: T0 },
      reason: 'preventive restart on schedule',
    },
    {
      case: 'RUNNING, alarm INSUFFICIENT_DATA: restart',
      seen: { alarm: 'INSUFFICIENT_DATA' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      next: { phase: 'RESTARTING', phaseSince: T0, connectorArn: ARN, attempts: [T0], incident: SCHEDULED_INCIDENT, lastScheduledRestart: T0 },
    },
    {
      case: 'ignores the backoff (it is not a failure)',
      record: { phase: 'IDLE', attempts: [T0 - 2 * HOUR, T0 - MIN] },
      seen: { alarm: 'OK' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
      next: { phase: 'RESTARTING', phaseSince: T0, connectorArn: ARN, attempts: [T0 - 2 * HOUR, T0 - MIN, T0], incident: SCHEDULED_INCIDENT, lastScheduledRestart: T0 },
    },
    {
      case: 'skipped when the budget is used up',
      record: { phase: 'IDLE', attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - MIN] },
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      reason: 'scheduled restart skipped: the recovery budget is used up (3 attempts within 360 min)',
    },
    {
      case: 'refused without a schedule (the construct gives the interval only to a guard that has one)',
      seen: { alarm: 'OK' },
      settings: { scheduledRestartIntervalMs: undefined },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: IDLE,
      reason: 'scheduled restart refused: the guard has no preventive restart schedule',
    },
    {
      case: 'refused within the schedule\'s interval of the last one',
      record: { phase: 'IDLE', attempts: [], lastScheduledRestart: T0 - 23 * HOUR },
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: { phase: 'IDLE', attempts: [], lastScheduledRestart: T0 - 23 * HOUR },
      reason: 'scheduled restart refused: the last one started at 2025-05-31T13:00:00.000Z, and the schedule fires at most every 1440 min',
    },
    {
      case: 'a duplicate delivery of the same firing is refused',
      record: { phase: 'IDLE', attempts: [T0 - 10 * SEC], lastScheduledRestart: T0 - 10 * SEC },
      seen: { alarm: 'OK' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
    },
    {
      case: 'a firing on time after one delivered a minute late is accepted',
      record: { phase: 'IDLE', attempts: [], lastScheduledRestart: T0 - 24 * HOUR + MIN },
      seen: { alarm: 'OK' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
    },
    {
      case: 'restart-only strategy: restart',
      seen: { alarm: 'OK' },
      settings: { strategy: 'RESTART_ONLY' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
    },
    {
      case: 'recreate strategy: a restart all the same, never a delete',
      seen: { alarm: 'OK', config: CONFIG.OK },
      settings: { strategy: 'RECREATE' },
      expected: { action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART },
    },
    {
      case: 'skipped in maintenance',
      seen: { alarm: 'OK', enabled: false },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: IDLE,
      reason: 'scheduled restart skipped: maintenance switch on (alarm actions disabled)',
    },
    {
      case: 'skipped while the alarm is in ALARM',
      seen: { alarm: 'ALARM' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: IDLE,
      reason: 'scheduled restart skipped: the alarm is in ALARM, the recovery handles it',
    },
    {
      case: 'skipped in notify-only mode',
      seen: { alarm: 'OK' },
      settings: { strategy: 'NOTIFY_ONLY' },
      expected: { action: NONE, phase: 'IDLE', events: [] },
      next: IDLE,
      reason: 'scheduled restart skipped: notify-only mode',
    },
    ...['FAILED', 'PAUSED', 'CREATING', 'UPDATING', 'RESTARTING', 'MISSING'].map((state) => ({
      case: `skipped when the connector is ${state}`,
      seen: { alarm: 'OK', state, config: CONFIG.OK },
      expected: { action: NONE, phase: 'IDLE' as const, events: [] },
      next: IDLE,
      reason: `scheduled restart skipped: connector is ${state === 'MISSING' ? 'missing' : state}`,
    })),
  ])('$case', ({ record, seen: spec, settings, expected, next, reason }) => {
    // WHEN
    const d = run({ record: record ?? IDLE, seen: spec, settings: { ...DAILY, ...settings }, trigger: 'SCHEDULED_RESTART' });

    // THEN
    expect(outcome(d)).toEqual(expected);
    if (next) {
      expect(d.record).toEqual(next);
    }
    if (reason) {
      expect(d.reason).toBe(reason);
    }
  });

  test.each<{ case: string; phase: Phase }>([
    { case: 'RESTARTING', phase: 'RESTARTING' },
    { case: 'VERIFYING', phase: 'VERIFYING' },
    { case: 'DELETING', phase: 'DELETING' },
    { case: 'CREATING', phase: 'CREATING' },
  ])('during a recovery ($case), the schedule does not start a restart', ({ phase }) => {
    const record: RecoveryRecord = { phase, phaseSince: T0 - MIN, connectorArn: ARN, attempts: [T0 - MIN], incident: incident(['restart']) };
    const d = run({ record, seen: { alarm: 'OK', state: 'RUNNING' }, settings: DAILY, trigger: 'SCHEDULED_RESTART' });
    expect(d.action.kind).not.toBe('RESTART');
  });

  test('thirty forged scheduled restarts in an hour restart the connector once', () => {
    let record: RecoveryRecord = IDLE;
    let restarts = 0;
    for (let i = 0; i < 30; i++) {
      const d = run({ record, seen: { alarm: 'OK' }, settings: DAILY, trigger: 'SCHEDULED_RESTART', now: T0 + i * 2 * MIN });
      restarts += d.action.kind === 'RESTART' ? 1 : 0;
      // each restart completes at once
      record = d.record.phase === 'RESTARTING' ? { ...d.record, phase: 'IDLE' } : d.record;
    }
    expect(restarts).toBe(1);
  });

  test('the time of the last scheduled restart outlives the incident: kept when the guard settles', () => {
    const verifying: RecoveryRecord = {
      phase: 'VERIFYING', phaseSince: T0 - MIN, connectorArn: ARN, attempts: [T0 - 2 * MIN], incident: incident(['restart']), lastScheduledRestart: T0 - 30 * HOUR,
    };
    expect(run({ record: verifying, seen: { alarm: 'OK' } }).record).toEqual({ phase: 'IDLE', attempts: [T0 - 2 * MIN], lastScheduledRestart: T0 - 30 * HOUR });
    expect(run({ record: { phase: 'IDLE', attempts: [], lastScheduledRestart: T0 - HOUR }, seen: { alarm: 'OK' } }).record)
      .toEqual({ phase: 'IDLE', attempts: [], lastScheduledRestart: T0 - HOUR });
  });

  describe('following a preventive restart', () => {
    const SCHEDULED_RESTARTING: RecoveryRecord = {
      phase: 'RESTARTING',
      phaseSince: T0 - 2 * MIN,
      connectorArn: ARN,
      operationArn: OP_ARN,
      attempts: [],
      incident: { ...SCHEDULED_INCIDENT, startedAt: T0 - 2 * MIN },
    };
    const SCHEDULED_VERIFYING: RecoveryRecord = { ...SCHEDULED_RESTARTING, phase: 'VERIFYING', operationArn: undefined };
    const FAILED_NOTICE = (what: string) => ({
      severity: 'WARNING',
      subject: subject('WARNING', 'preventive restart did not complete'),
      seen: `${what}.`,
      done: 'Nothing more: a preventive restart never falls back to a recreate.',
      next: 'Check the connector; the alarms still guard it.',
    });

    test.each<{ case: string; record?: RecoveryRecord; seen: Seen; notice: string }>([
      { case: 'RESTART_FAILED', seen: { op: 'RESTART_FAILED', config: CONFIG.OK }, notice: 'The restart operation ended RESTART_FAILED' },
      { case: 'RESTART_FAILED while the alarm fires', seen: { op: 'RESTART_FAILED', alarm: 'ALARM', config: CONFIG.OK }, notice: 'The restart operation ended RESTART_FAILED' },
      { case: 'RESTART_FAILED on a FAILED connector', seen: { state: 'FAILED', op: 'RESTART_FAILED', config: CONFIG.OK }, notice: 'The restart operation ended RESTART_FAILED' },
      {
        case: 'timeout',
        record: { ...SCHEDULED_RESTARTING, phaseSince: T0 - 20 * MIN },
        seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS', config: CONFIG.OK },
        notice: 'The restart did not finish within 15 min',
      },
    ])('a failed preventive restart ($case) never leads to a recreate', ({ record, seen: spec, notice }) => {
      // WHEN
      const d = run({ record: record ?? SCHEDULED_RESTARTING, seen: { alarm: 'OK', ...spec } });

      // THEN
      expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'WARNING', events: [] });
      expect(d.record).toEqual(IDLE);
      expect(d.notice).toEqual(FAILED_NOTICE(notice));
    });

    test('RESTART_COMPLETE with the alarm OK: back to IDLE silently in the same run, no RECOVERED event', () => {
      // WHEN
      const done = run({ record: SCHEDULED_RESTARTING, seen: { alarm: 'OK', op: 'RESTART_COMPLETE' } });

      // THEN
      expect(outcome(done)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
      expect(done.record).toEqual(IDLE);
      expect(done.reason).toBe('preventive restart done; alarm OK');
    });

    test('alarm still firing after verifyMs: back to IDLE, no recreate', () => {
      const d = run({ record: { ...SCHEDULED_VERIFYING, phaseSince: T0 - 10 * MIN }, seen: { alarm: 'ALARM', config: CONFIG.OK } });
      expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    });

    test('an alarm after the preventive restart is a new incident, with the full recovery (restart, then recreate) and its report', () => {
      // GIVEN the preventive restart is verified, but the alarm fires and stays
      const back = run({ record: { ...SCHEDULED_VERIFYING, phaseSince: T0 - 10 * MIN }, seen: { alarm: 'ALARM' } });

      // WHEN the recovery restarts, the restart completes and the alarm stays past verification
      const restart = run({ record: back.record, seen: { alarm: 'ALARM' }, trigger: 'ALARM', now: T0 + MIN });
      const completed = run({ record: { ...restart.record, operationArn: OP_ARN }, seen: { op: 'RESTART_COMPLETE' }, now: T0 + 3 * MIN });
      const fallback = run({ record: completed.record, seen: { alarm: 'ALARM', config: CONFIG.OK }, now: T0 + 13 * MIN });

      // THEN
      expect(outcome(restart)).toEqual({ action: RESTART, phase: 'RESTARTING', events: STARTED_RESTART });
      expect(restart.record.incident).toEqual({ startedAt: T0 + MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart'] });
      expect(restart.record.attempts).toEqual([T0 + MIN]);
      expect(outcome(fallback)).toEqual({ action: DELETE, phase: 'DELETING', events: STARTED_RECREATE });
    });

    test('an alarm-driven restart after a preventive one reports its recovery', () => {
      const back = run({ record: { ...SCHEDULED_VERIFYING, phaseSince: T0 - 10 * MIN }, seen: { alarm: 'ALARM' } });
      const restart = run({ record: back.record, seen: { alarm: 'ALARM' }, trigger: 'ALARM', now: T0 + MIN });
      const completed = run({ record: { ...restart.record, operationArn: OP_ARN }, seen: { op: 'RESTART_COMPLETE' }, now: T0 + 3 * MIN });
      const recovered = run({ record: completed.record, seen: { alarm: 'OK' }, now: T0 + 5 * MIN });
      expect(outcome(recovered)).toEqual({ action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 240 }] });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Records with optional fields missing (older versions, hand edits)
// ---------------------------------------------------------------------------------------------

describe('records with optional fields missing', () => {
  test('VERIFYING without an incident: recovered after 0 s, the notice says what it does not know', () => {
    const d = run({ record: { phase: 'VERIFYING', phaseSince: T0 - MIN, connectorArn: ARN, attempts: [] }, seen: { alarm: 'OK' } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', notice: 'INFO', events: [{ kind: 'RECOVERED', seconds: 0 }] });
    expect(d.notice?.seen).toBe('The alarm fired while the connector reported unknown.');
    expect(d.notice?.done).toBe('Recovered by no action; the alarm is OK again 0 s after the first step.');
  });

  test('VERIFYING without an incident, alarm still firing after verifyMs: back to IDLE', () => {
    const d = run({ record: { phase: 'VERIFYING', phaseSince: T0 - HOUR, connectorArn: ARN, attempts: [] }, seen: { config: CONFIG.OK } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'IDLE', events: [] });
    expect(d.reason).toBe('the alarm is still ALARM after the step; next attempt after the backoff');
  });

  test('RESTARTING without an incident, restart failed: the recreate starts a new incident', () => {
    const record: RecoveryRecord = { phase: 'RESTARTING', phaseSince: T0 - MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: [T0 - MIN] };
    const d = run({ record, seen: { op: 'RESTART_FAILED', config: CONFIG.OK } });
    expect(outcome(d)).toEqual({ action: DELETE, phase: 'DELETING', events: STARTED_RECREATE });
    expect(d.record.incident).toEqual({ startedAt: T0, trigger: 'TICK', initialState: 'RUNNING', steps: ['recreate'] });
  });

  test.each([
    { case: 'alarm OK: the all-clear says the reason is unknown', alarm: 'OK', text: 'The alarm is OK again (the guard had escalated: unknown reason).' },
    { case: 'alarm firing: waits', alarm: 'ALARM', text: undefined },
  ])('ESCALATED without an escalation reason, $case', ({ alarm, text }) => {
    const d = run({ record: { phase: 'ESCALATED', attempts: [] }, seen: { alarm } });
    expect(d.action).toEqual(NONE);
    expect(d.notice?.seen).toBe(text);
    if (!text) {
      expect(d.reason).toBe('escalated (unknown); waiting for a human or for the alarm to clear');
    }
  });

  test('durations that are not whole minutes are written in seconds', () => {
    const record: RecoveryRecord = { phase: 'RESTARTING', phaseSince: T0 - 2 * MIN, connectorArn: ARN, operationArn: OP_ARN, attempts: [T0 - 2 * MIN] };
    const d = run({ record, seen: { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS' }, settings: { operationTimeoutMs: 90_500, strategy: 'RESTART_ONLY' } });
    expect(d.reason).toBe('the restart did not finish within 91 s; next attempt after the backoff');
  });
});

// ---------------------------------------------------------------------------------------------
// End to end through the decision alone
// ---------------------------------------------------------------------------------------------

describe('a whole incident, tick by tick', () => {
  test('restart does not help, recreate does: every step once, offsets kept, one recovery report', () => {
    // GIVEN a RUNNING but silent connector
    let record = IDLE;
    const log: string[] = [];
    const step = (minute: number, spec: Seen, trigger: TriggerKind = 'TICK'): Decision => {
      let d = run({ record, seen: spec, trigger, now: T0 + minute * MIN });
      if (d.action.kind === 'LOAD_CONFIG') {
        d = run({ record, seen: { ...spec, config: CONFIG.OK }, trigger, now: T0 + minute * MIN });
      }
      log.push(`${minute}: ${d.action.kind} -> ${d.record.phase}${d.notice ? ` [${d.notice.severity}]` : ''}`);
      record = d.action.kind === 'RESTART' ? { ...d.record, operationArn: OP_ARN } : d.record;
      return d;
    };

    // WHEN
    step(0, {}, 'ALARM');
    step(1, { state: 'RESTARTING', op: 'RESTART_IN_PROGRESS' });
    step(2, { op: 'RESTART_COMPLETE' });
    step(7, {});
    step(12, {});
    step(13, { state: 'DELETING' });
    step(15, { state: 'MISSING' });
    step(16, { state: 'CREATING', arn: NEW_ARN });
    step(25, { state: 'RUNNING', arn: NEW_ARN });
    step(28, { alarm: 'ALARM', arn: NEW_ARN });
    const last = step(30, { alarm: 'OK', arn: NEW_ARN });

    // THEN
    expect(log).toEqual([
      '0: RESTART -> RESTARTING',
      '1: NONE -> RESTARTING',
      '2: NONE -> VERIFYING',
      '7: NONE -> VERIFYING',
      '12: DELETE -> DELETING',
      '13: NONE -> DELETING',
      '15: CREATE -> CREATING',
      '16: NONE -> CREATING',
      '25: NONE -> VERIFYING',
      '28: NONE -> VERIFYING',
      '30: NONE -> IDLE [INFO]',
    ]);
    expect(last.events).toEqual([{ kind: 'RECOVERED', seconds: 1800 }]);
    expect(last.notice?.done).toBe('Recovered by restart then recreate; the alarm is OK again 1800 s after the first step.');
    expect(record).toEqual({ phase: 'IDLE', attempts: [T0, T0 + 12 * MIN] });
  });
});

// ---------------------------------------------------------------------------------------------
// Invariants over generated inputs
// ---------------------------------------------------------------------------------------------

describe('invariants', () => {
  const PHASES: Phase[] = ['IDLE', 'RESTARTING', 'VERIFYING', 'DELETING', 'CREATING', 'ESCALATED'];
  /** Connector states; the ARN varies only where the guard compares it. */
  // RESUMING is left out: the decision treats it exactly like PAUSING and UPDATING (the tables above cover all three).
  const CONNECTORS: { state: string; arn: string }[] = [
    ...['MISSING', 'CREATING', 'RUNNING', 'UPDATING', 'PAUSING', 'DELETING', 'FAILED', 'PAUSED', 'RESTARTING', 'SOMETHING_NEW'].map((state) => ({ state, arn: ARN })),
    ...['CREATING', 'RUNNING', 'FAILED'].map((state) => ({ state, arn: NEW_ARN })),
  ];
  const ALARMS = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
  // ALARM is left out: it differs from TICK only in the trigger recorded in a new incident.
  const TRIGGERS: TriggerKind[] = ['TICK', 'SCHEDULED_RESTART', 'MANUAL_RECOVER', 'MANUAL_RESET', 'STATUS'];
  const STRATEGIES: Strategy[] = ['RESTART_THEN_RECREATE', 'RESTART_ONLY', 'RECREATE', 'NOTIFY_ONLY'];
  const CONFIGS: { config?: ConfigCheck; allowOffsetReset: boolean }[] = [
    { config: undefined, allowOffsetReset: false },
    { config: CONFIG.OK, allowOffsetReset: false },
    { config: CONFIG.NO_OFFSETS, allowOffsetReset: false },
    { config: CONFIG.NO_OFFSETS, allowOffsetReset: true },
    { config: CONFIG.WRONG_ROLE, allowOffsetReset: true },
  ];
  const OPERATIONS = [undefined, 'RESTART_COMPLETE', 'RESTART_FAILED'];

  /** Where the connector of `requestJson()` keeps its offsets. */
  const LOCATION = { workerConfigurationArn: WORKER_ARN, workerConfigurationRevision: 2, bootstrapServers: 'b-1.msk.example.com:9098' };

  /** Records of every phase: fresh, timed out, with exhausted budget, following the other ARN, after a preventive restart, after a delete. */
  function recordsOf(phase: Phase): RecoveryRecord[] {
    const base: RecoveryRecord = {
      phase,
      phaseSince: T0 - MIN,
      connectorArn: ARN,
      operationArn: OP_ARN,
      attempts: [T0 - 30 * MIN],
      incident: incident(['restart', 'recreate']),
      escalation: phase === 'ESCALATED' ? 'recovery budget exhausted (3 attempts in the window)' : undefined,
    };
    return [
      base,
      { ...base, phaseSince: T0 - 2 * HOUR, operationArn: undefined, incident: incident(['restart']) },
      { ...base, attempts: [T0 - 3 * HOUR, T0 - 2 * HOUR, T0 - HOUR] },
      { ...base, connectorArn: NEW_ARN, slowNoticeSent: true, noticeKey: 'maintenance' },
      { ...base, incident: { startedAt: T0 - 5 * MIN, trigger: 'SCHEDULED_RESTART', initialState: 'RUNNING', steps: ['restart'] }, attempts: [] },
      // After the guard's delete: AWS accepted it; the request must still match where the offsets were (here it does not).
      { ...base, deleteAccepted: true, deletedFrom: { ...LOCATION, bootstrapServers: 'b-1.other.example.com:9098' } },
      { ...base, phaseSince: T0 - 10 * MIN, deleteAccepted: true, deletedFrom: LOCATION },
      // A restart refused on a retry (it may never have run), long enough ago for every timeout.
      { ...base, phaseSince: T0 - 2 * HOUR, operationArn: undefined, incident: incident(['restart']), restartUnconfirmed: true },
      // Escalated (or not) owing the create of the connector it deleted, with where its offsets were.
      { ...base, createOwed: true, deletedFrom: LOCATION, escalation: phase === 'ESCALATED' ? 'connector deleted but the stored request is no longer usable' : undefined },
    ];
  }

  interface Case {
    readonly input: Parameters<typeof decide>[0];
    readonly decision: Decision;
  }

  /** Each invariant returns true when a case violates it. */
  const INVARIANTS: Record<string, (c: Case) => boolean> = {
    'a new DELETE only with a valid stored request that keeps offsets (or an allowed reset), and only of the observed connector': ({ input, decision }) => {
      if (decision.action.kind !== 'DELETE' || input.record.phase === 'DELETING') {
        return false;
      }
      const config = input.observation.config;
      const safe = config?.request !== undefined && config.problems.length === 0 && (config.offsetsPreserved || input.settings.allowOffsetReset);
      return !safe || decision.action.connectorArn !== input.observation.connector?.arn || decision.record.phase !== 'DELETING';
    },
    // In DELETING the delete was decided (after validation) by an earlier run that saved its intent: it may only be re-issued,
    // for the very connector that was validated, and only while that connector is not already being deleted.
    'DELETE in DELETING only re-issues the validated delete of the same ARN': ({ input, decision }) =>
      decision.action.kind === 'DELETE' && input.record.phase === 'DELETING' && (
        decision.action.connectorArn !== input.record.connectorArn
        || input.observation.connector?.arn !== input.record.connectorArn
        || input.observation.connector.state === 'DELETING'
        // the same record, except the one-off flag of the 'delete keeps failing' notice
        || (decision.record !== input.record && JSON.stringify(decision.record) !== JSON.stringify({ ...input.record, slowNoticeSent: true }))
        || decision.events.length > 0),
    'CREATE only when the connector is missing and the guard is re-creating it (or escalated owing it), with the validated request': ({ input, decision }) =>
      decision.action.kind === 'CREATE' && (
        input.observation.connector !== undefined
        || !(['DELETING', 'CREATING'].includes(input.record.phase) || (input.record.phase === 'ESCALATED' && input.record.createOwed === true))
        || decision.action.request !== input.observation.config?.request
        || decision.record.phase !== 'CREATING'),
    'CREATE never from a request that moved away from where the deleted connector kept its offsets, unless a reset is allowed': ({ input, decision }) =>
      decision.action.kind === 'CREATE' && !input.settings.allowOffsetReset && input.record.deletedFrom !== undefined
      && input.record.deletedFrom.bootstrapServers !== LOCATION.bootstrapServers,
    'an escalation that owes a create creates on its own only knowing where the offsets were (or with a reset allowed)': ({ input, decision }) =>
      decision.action.kind === 'CREATE' && input.record.phase === 'ESCALATED' && input.trigger !== 'MANUAL_RECOVER' && input.trigger !== 'MANUAL_RESET'
      && input.record.deletedFrom === undefined && !input.settings.allowOffsetReset,
    'RESTART only of a RUNNING connector, by its observed ARN': ({ input, decision }) =>
      decision.action.kind === 'RESTART' && (
        input.observation.connector?.state !== 'RUNNING' || decision.action.connectorArn !== input.observation.connector.arn),
    'a record in DELETING or CREATING never goes to IDLE while the connector is missing': ({ input, decision }) =>
      (input.record.phase === 'DELETING' || input.record.phase === 'CREATING') && !input.observation.connector && decision.record.phase === 'IDLE',
    'a record in DELETING goes to IDLE only with its connector certainly intact (settled, never accepted) or a new one RUNNING with the alarm OK; CREATING only the latter':
      ({ input, decision }) => {
        const { record, now } = input;
        const connector = input.observation.connector;
        if ((record.phase !== 'DELETING' && record.phase !== 'CREATING') || decision.record.phase !== 'IDLE') {
          return false;
        }
        const certainlyIntact = record.phase === 'DELETING' && connector !== undefined && connector.arn === record.connectorArn
          && connector.state !== 'DELETING' && (!record.deleteAccepted || input.trigger === 'MANUAL_RESET') && now - (record.phaseSince ?? now) >= 5 * MIN;
        const recovered = connector?.state === 'RUNNING' && input.observation.alarm.state === 'OK';
        return !certainlyIntact && !recovered;
      },
    'a DELETE is re-issued in DELETING only where a first delete would be allowed, or by an operator': ({ input, decision }) =>
      input.record.phase === 'DELETING' && decision.action.kind === 'DELETE' && (
        input.observation.connector?.state === 'PAUSED'
        || !['RESTART_THEN_RECREATE', 'RECREATE'].includes(input.settings.strategy)
        || (input.trigger !== 'MANUAL_RECOVER' && (!input.observation.alarm.actionsEnabled || input.observation.alarm.state !== 'ALARM'))),
    'a DELETE after a restart (from VERIFYING) only with the alarm in ALARM, or by an operator': ({ input, decision }) =>
      input.record.phase === 'VERIFYING' && decision.action.kind === 'DELETE' && input.observation.alarm.state !== 'ALARM' && input.trigger !== 'MANUAL_RECOVER',
    // (a CREATE is allowed: it only ever re-creates a connector the guard deleted, see the CREATE invariant)
    'notify-only never starts a step (only a recreate already in flight continues)': ({ input, decision }) =>
      input.settings.strategy === 'NOTIFY_ONLY' && ['IDLE', 'ESCALATED'].includes(input.record.phase)
      && !['NONE', 'LOAD_CONFIG', 'CREATE'].includes(decision.action.kind),
    // The role of a notify-only guard holds no kafkaconnect:RestartConnector (permissions.ts).
    'notify-only never restarts, in any phase, on any trigger': ({ input, decision }) =>
      input.settings.strategy === 'NOTIFY_ONLY' && decision.action.kind === 'RESTART',
    'in maintenance no restart or delete starts without an operator (a recreate in flight finishes, an owed create too)': ({ input, decision }) =>
      !input.observation.alarm.actionsEnabled && input.trigger !== 'MANUAL_RECOVER'
      && ['IDLE', 'ESCALATED', 'RESTARTING', 'VERIFYING'].includes(input.record.phase) && !['NONE', 'LOAD_CONFIG', 'CREATE'].includes(decision.action.kind),
    'an unconfirmed restart never leads to a DELETE without an operator': ({ input, decision }) =>
      input.record.restartUnconfirmed === true && ['RESTARTING', 'VERIFYING'].includes(input.record.phase)
      && decision.action.kind === 'DELETE' && input.trigger !== 'MANUAL_RECOVER',
    'a connector someone else is changing (updating, pausing, resuming, creating) is never deleted': ({ input, decision }) =>
      decision.action.kind === 'DELETE' && ['UPDATING', 'PAUSING', 'RESUMING', 'CREATING'].includes(input.observation.connector?.state ?? ''),
    'an escalation owes a create only while the connector is missing or DELETING (a status request changes nothing)': ({ input, decision }) =>
      input.trigger !== 'STATUS' && decision.record.phase === 'ESCALATED' && decision.record.createOwed === true
      && input.observation.connector !== undefined && input.observation.connector.state !== 'DELETING',
    'a create owed in ESCALATED is settled only by a connector listed in a state other than DELETING': ({ input, decision }) =>
      input.record.phase === 'ESCALATED' && input.record.createOwed === true && input.trigger !== 'STATUS'
      && (input.observation.connector === undefined || input.observation.connector.state === 'DELETING')
      && !(decision.record.createOwed === true || (decision.record.phase === 'CREATING' && decision.record.deletedFrom === input.record.deletedFrom)),
    'a PAUSED connector is never restarted or deleted': ({ input, decision }) =>
      input.observation.connector?.state === 'PAUSED' && ['RESTART', 'DELETE'].includes(decision.action.kind),
    'in maintenance nothing is deleted without an operator': ({ input, decision }) =>
      !input.observation.alarm.actionsEnabled && input.trigger !== 'MANUAL_RECOVER' && decision.action.kind === 'DELETE',
    'STATUS never acts, notifies or changes the record': ({ input, decision }) =>
      input.trigger === 'STATUS'
      && (decision.action.kind !== 'NONE' || decision.record !== input.record || decision.notice !== undefined || decision.events.length > 0),
    'events match the action: a step event with each RESTART and first DELETE, ESCALATED only when escalating': ({ input, decision }) => {
      const { action, events, record } = decision;
      const kinds = events.map((e) => (e.kind === 'STEP_STARTED' ? `STEP_STARTED:${e.step}` : e.kind)).join();
      if (action.kind === 'RESTART') {
        return kinds !== 'STEP_STARTED:restart';
      }
      if (action.kind === 'DELETE') {
        return kinds !== (input.record.phase === 'DELETING' ? '' : 'STEP_STARTED:recreate');
      }
      if (kinds.includes('ESCALATED')) {
        return record.phase !== 'ESCALATED' || decision.notice === undefined || action.kind !== 'NONE';
      }
      return kinds.includes('STEP_STARTED');
    },
    'entering ESCALATED always comes with a reason, a notice and the event': ({ input, decision }) =>
      decision.record.phase === 'ESCALATED' && input.record.phase !== 'ESCALATED'
      && (decision.notice === undefined || decision.record.escalation === undefined || !decision.events.some((e) => e.kind === 'ESCALATED')),
    'LOAD_CONFIG only when no config was observed, and never with a notice or event': ({ input, decision }) =>
      decision.action.kind === 'LOAD_CONFIG' && (input.observation.config !== undefined || decision.notice !== undefined || decision.events.length > 0),
    'every notice subject carries its severity and the connector name, and every field is filled': ({ decision }) =>
      decision.notice !== undefined && (
        !decision.notice.subject.startsWith(`[${decision.notice.severity}] ${NAME}: `)
        || [decision.notice.seen, decision.notice.done, decision.notice.next].some((text) => text.trim().length === 0)),
    'no notice or reason ever contains a value from connectorConfiguration': ({ decision }) => {
      const text = decision.notice ? JSON.stringify([decision.notice, decision.reason]) : decision.reason;
      return CONFIG_VALUES.some((value) => text.includes(value));
    },
  };

  // Every combination, decided once; each invariant collects the cases that break it.
  const violations: Record<string, string[]> = Object.fromEntries(Object.keys(INVARIANTS).map((name) => [name, []]));
  const samples: Case[] = [];
  let count = 0;
  let creates = 0;
  for (const phase of PHASES) {
    for (const record of recordsOf(phase)) {
      for (const { state, arn } of CONNECTORS) {
        for (const alarm of ALARMS) {
          for (const enabled of [true, false]) {
            for (const trigger of TRIGGERS) {
              for (const strategy of STRATEGIES) {
                for (const { config, allowOffsetReset } of CONFIGS) {
                  for (const op of phase === 'RESTARTING' ? OPERATIONS : [undefined]) {
                    const observation = seen({ state, arn, alarm, enabled, op, config });
                    const input = { record, observation, trigger, settings: { ...SETTINGS, strategy, allowOffsetReset }, now: T0 };
                    const c = { input, decision: decide(input) };
                    for (const [name, violated] of Object.entries(INVARIANTS)) {
                      if (violated(c) && violations[name].length < 10) {
                        violations[name].push(describeCase(c));
                      }
                    }
                    if (count % 211 === 0) {
                      samples.push(c);
                    }
                    if (c.decision.action.kind === 'CREATE') {
                      creates++;
                    }
                    count++;
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  test('the generator covers a large space, including creates from a request holding the secret', () => {
    expect(count).toBeGreaterThan(100_000);
    expect(creates).toBeGreaterThan(0);
    expect(JSON.stringify(CONFIG.OK.request)).toContain('hunter2');
  });

  test.each(Object.keys(INVARIANTS).map((name) => ({ case: name, name })))('$case', ({ name }) => {
    expect(violations[name]).toEqual([]);
  });

  test('the decision is pure: the same input gives the same decision, and the input is not mutated', () => {
    expect(samples.length).toBeGreaterThan(100);
    for (const { input, decision } of samples) {
      const before = JSON.stringify(input);
      expect(decide(input)).toEqual(decision);
      expect(JSON.stringify(input)).toBe(before);
    }
  });

  function describeCase({ input, decision }: Case): string {
    const { record, observation, trigger, settings } = input;
    const config = observation.config;
    return `${record.phase}(since ${(T0 - (record.phaseSince ?? T0)) / MIN} min, arn ${record.connectorArn === ARN ? 'old' : 'new'}, `
      + `attempts ${record.attempts.length}, incident ${record.incident?.trigger}/${record.incident?.steps.join('+')}) `
      + `+ ${observation.connector?.state ?? 'MISSING'}(${observation.connector?.arn === NEW_ARN ? 'new' : 'old'}) `
      + `alarm ${observation.alarm.state}/${observation.alarm.actionsEnabled ? 'on' : 'off'} op ${observation.operationState} `
      + `config ${config ? (config.problems.length === 0 ? `ok(offsets ${config.offsetsPreserved})` : 'bad') : '-'} `
      + `${trigger} ${settings.strategy}${settings.allowOffsetReset ? '+reset' : ''} => ${decision.action.kind} ${decision.record.phase}: ${decision.reason}`;
  }
});

// ---------------------------------------------------------------------------------------------
// Review fixes: unknown states, a reset that still owes a create, a delete AWS keeps undoing
// ---------------------------------------------------------------------------------------------

describe('review fixes', () => {
  test.each(['UNKNOWN', 'SUSPENDED'])('IDLE, connector %s (not RUNNING or FAILED): escalate, never a recreate', (state) => {
    const d = run({ record: IDLE, seen: { state, config: CONFIG.OK } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(d.record.escalation).toBe(`connector state ${state} is not one the guard knows how to handle`);
  });

  test('a reset of an escalation that still owes a create goes back to creating (the connector is not abandoned)', () => {
    // GIVEN the guard deleted the connector, then escalated (the stored request had become invalid)
    const escalated: RecoveryRecord = {
      phase: 'ESCALATED',
      phaseSince: T0 - 30 * MIN,
      attempts: [T0 - 40 * MIN],
      incident: incident(['restart', 'recreate']),
      escalation: 'connector deleted but the stored request is no longer usable',
      createOwed: true,
    };
    // WHEN an operator resets it
    const reset = run({ record: escalated, seen: { state: 'MISSING' }, trigger: 'MANUAL_RESET' });
    // THEN it goes back to CREATING, and the next run creates the connector
    expect(reset.record).toMatchObject({ phase: 'CREATING', phaseSince: T0, attempts: [T0 - 40 * MIN], escalation: undefined, createOwed: undefined });
    const next = run({ record: reset.record, seen: { state: 'MISSING', config: CONFIG.OK }, now: T0 + MIN });
    expect(next.action).toEqual(CREATE);
  });

  test('a reset of an escalation that owes nothing (connector present) goes to IDLE', () => {
    const escalated: RecoveryRecord = { phase: 'ESCALATED', attempts: [T0 - MIN], incident: incident(['restart', 'recreate']), escalation: 'x' };
    expect(run({ record: escalated, seen: { state: 'FAILED' }, trigger: 'MANUAL_RESET' }).record).toEqual({ phase: 'IDLE', attempts: [T0 - MIN] });
  });

  test('a delete AWS keeps undoing: re-issued every run, one CRITICAL notice after the operation timeout', () => {
    const deleting: RecoveryRecord = {
      phase: 'DELETING', phaseSince: T0 - 2 * HOUR, connectorArn: ARN, attempts: [T0 - 2 * HOUR], incident: incident(['restart', 'recreate']),
    };
    const first = run({ record: deleting, seen: { state: 'FAILED', config: CONFIG.OK } });
    expect(outcome(first)).toEqual({ action: DELETE, phase: 'DELETING', notice: 'CRITICAL', events: [] });
    expect(first.notice!.subject).toBe(subject('CRITICAL', 'delete keeps failing'));
    const second = run({ record: first.record, seen: { state: 'FAILED', config: CONFIG.OK }, now: T0 + MIN });
    expect(outcome(second)).toEqual({ action: DELETE, phase: 'DELETING', notice: undefined, events: [] });
  });
});

describe('deleting again needs the same proof as the first delete', () => {
  // AWS accepted the delete, and the connector is listed intact well after it: the delete did not take.
  const deleting: RecoveryRecord = {
    phase: 'DELETING', phaseSince: T0 - 10 * MIN, connectorArn: ARN, attempts: [T0 - 10 * MIN], incident: incident(['restart', 'recreate']), deleteAccepted: true,
  };

  test('the connector is still there: read the stored request first', () => {
    expect(run({ record: deleting, seen: { state: 'RUNNING' } }).action).toEqual(LOAD_CONFIG);
  });

  test.each([
    { case: 'the stored request became invalid', config: CONFIG.NOT_JSON },
    { case: 'its worker configuration no longer keeps offsets', config: CONFIG.NO_OFFSETS },
  ])('$case: escalate, nothing deleted', ({ config }) => {
    const d = run({ record: deleting, seen: { state: 'RUNNING', config } });
    expect(outcome(d)).toEqual({ action: NONE, phase: 'ESCALATED', notice: 'WARNING', events: ESCALATED });
    expect(d.notice!.done).toBe('Nothing was deleted: the connector is as it was.');
  });
});
