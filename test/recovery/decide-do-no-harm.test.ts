/**
 * First, do no harm: the decision core's rules that keep a recovery from hurting the connector. A
 * recreate never reverts or reshapes it (a stored request older than the running connector, tags,
 * CloudFormation-managed connectors, a request swapped between the delete and the create), and a
 * restart for errored tasks leaves the healthy ones running where Kafka Connect can.
 */
import { createConnectorRequest, tableSettings } from './fixtures';
import { decide } from '../../src/recovery/decide';
import type { ConfigCheck, Decision, Observation, RecoveryRecord, Settings, TriggerKind } from '../../src/recovery/model';
import { compareWithRunning } from '../../src/recovery/request-drift';
import { checkConnectorConfig } from '../../src/recovery/stored-request';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const NAME = 'orders-cdc';
const ARN = `arn:aws:kafkaconnect:eu-west-1:123456789012:connector/${NAME}/0d1e0b4a-1111-4a4a-8b8b-000000000001-3`;
const ROLE = 'arn:aws:iam::123456789012:role/orders-cdc-connector';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:123456789012:worker-configuration/orders-offsets/5e5e5e5e-3333-2';
const VERSION = 'K3AEGXETSR30VB';
const OFFSET_PROPERTIES = 'offset.storage.topic=__orders_cdc_offsets';

const CONFIGURATION = {
  'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
  'database.hostname': 'orders-db.internal',
  'database.password': 'hunter2',
  'table.include.list': 'orders.orders',
};
const SECRET_VALUES = [...Object.values(CONFIGURATION), 'orders.orders,orders.refunds', 'platform-team'];

const SETTINGS: Settings = tableSettings(NAME);

function request(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return createConnectorRequest({ name: NAME, roleArn: ROLE, workerConfigurationArn: WORKER_ARN, connectorConfiguration: CONFIGURATION }, overrides);
}

/** The stored request (`stored`) validated and compared with the running connector (`running`, with its tags), as the handler does. */
function check(stored: Record<string, unknown>, running?: Record<string, unknown>, tags: Record<string, string> = {}): ConfigCheck {
  const validated = checkConnectorConfig(JSON.stringify(stored), { connectorName: NAME, serviceExecutionRoleArn: ROLE }, OFFSET_PROPERTIES);
  return running && validated.request ? { ...validated, drift: compareWithRunning(validated.request, running, tags) } : validated;
}

function observe(state: string | undefined, config?: ConfigCheck, alarm = 'ALARM', triggeredBy?: string[], kafkaConnectVersion = '3.7.x'): Observation {
  return {
    connector: state === undefined ? undefined : { arn: ARN, state, currentVersion: VERSION, kafkaConnectVersion },
    alarm: { state: alarm, actionsEnabled: true, ...(triggeredBy ? { triggeredBy } : {}) },
    config,
  };
}

function run(record: RecoveryRecord, observation: Observation, settings: Partial<Settings> = {}, trigger: TriggerKind = 'ALARM', now = T0): Decision {
  return decide({ record, observation, trigger, settings: { ...SETTINGS, ...settings }, now });
}

const IDLE: RecoveryRecord = { phase: 'IDLE', attempts: [] };

/** Asserts that no notice or reason carries a configuration or tag value. */
function expectNoValues(d: Decision): void {
  const text = JSON.stringify([d.notice, d.reason]);
  for (const value of SECRET_VALUES) {
    expect(text).not.toContain(value);
  }
}

describe('before any delete, the stored request must describe the running connector', () => {
  const updated = request({ connectorConfiguration: { ...CONFIGURATION, 'table.include.list': 'orders.orders,orders.refunds', 'snapshot.mode': 'never' } });

  test.each([
    {
      case: 'a configuration value and a new key changed by UpdateConnector',
      running: updated,
      tags: {},
      differences: 'connectorConfiguration.snapshot.mode, connectorConfiguration.table.include.list',
    },
    { case: 'capacity raised since', running: request({ capacity: { provisionedCapacity: { mcuCount: 2, workerCount: 2 } } }), tags: {}, differences: 'capacity' },
    {
      case: 'another plugin revision and worker configuration revision',
      running: request({
        plugins: [{ customPlugin: { customPluginArn: 'arn:aws:kafkaconnect:eu-west-1:123456789012:custom-plugin/debezium/p-1', revision: 2 } }],
        workerConfiguration: { workerConfigurationArn: WORKER_ARN, revision: 3 },
      }),
      tags: {},
      differences: 'plugins, workerConfiguration',
    },
    { case: 'a tag the stored request lacks', running: request(), tags: { team: 'platform-team' }, differences: 'tags.team' },
  ] as { case: string; running: Record<string, unknown>; tags: Record<string, string>; differences: string }[])('$case: no delete, one notice naming each difference, never a value', ({ running, tags, differences }) => {
    const config = check(request(), running, tags);
    const d = run(IDLE, observe('FAILED', config));

    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.record.phase).toBe('ESCALATED');
    expect(d.record.escalation).toBe('stored request differs from the running connector; not deleting');
    expect(d.events).toEqual([{ kind: 'ESCALATED' }]);
    expect(d.notice).toEqual({
      severity: 'WARNING',
      subject: `[WARNING] ${NAME}: needs a human: stored request differs from the running connector; not deleting`,
      seen: `The connector is FAILED. A recreate is needed, but the stored CreateConnector request differs from the running connector in ${differences}: `
        + `a recreate from it would revert ${differences.includes(',') ? 'those changes' : 'that change'}.`,
      done: 'Nothing was deleted: the connector is as it was.',
      next: 'Refresh the stored request from the running connector (README, "Refreshing the stored request": describe-connector and list-tags-for-resource), then invoke the guard with `{"action":"recover"}`.',
    });
    expectNoValues(d);
  });

  test('a request that matches (brokers, subnets and plugins in another order, string switches, system tags): delete', () => {
    const stored = request({
      logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: 'true', logGroup: '/msk/orders' }, s3: { enabled: false } } },
      tags: { team: 'platform-team' },
    });
    const running = request({
      kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1.msk.example.com:9098', vpc: { securityGroups: ['sg-0bbb'], subnets: ['subnet-0aaa'] } } },
      logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: '/msk/orders' }, firehose: { enabled: false }, s3: { enabled: false } } },
      networkType: 'IPV4',
    });
    const d = run(IDLE, observe('FAILED', check(stored, running, { 'team': 'platform-team', 'aws:cloudformation:logical-id': 'x' })));
    expect(d.action).toEqual({ kind: 'DELETE', connectorArn: ARN, currentVersion: VERSION });
    expect(d.record.ranAs).toEqual(check(stored).fingerprint);
  });

  test('the running connector could not be described: no delete, and the notice says which calls are needed', () => {
    const d = run(IDLE, observe('FAILED', check(request())));
    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.record.escalation).toBe('running connector could not be compared with the stored request; not deleting');
    expect(d.notice?.next).toBe('Check that the recovery role may call kafkaconnect:DescribeConnector and kafkaconnect:ListTagsForResource on the connector, then invoke the guard with `{"action":"recover"}`.');
  });

  test('a restart that did not help falls back to no delete when the request is stale', () => {
    const restarting: RecoveryRecord = {
      phase: 'RESTARTING',
      phaseSince: T0 - 3 * MIN,
      connectorArn: ARN,
      operationArn: 'op',
      attempts: [T0 - 3 * MIN],
      incident: { startedAt: T0 - 3 * MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart'] },
    };
    const d = run(restarting, { ...observe('RUNNING', check(request(), updated)), operationState: 'RESTART_FAILED' });
    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.record.escalation).toBe('stored request differs from the running connector; not deleting');
    expectNoValues(d);
  });

  test('a delete that did not take is not issued again once the request no longer matches', () => {
    const deleting: RecoveryRecord = {
      phase: 'DELETING',
      phaseSince: T0 - 20 * MIN,
      connectorArn: ARN,
      attempts: [T0 - 20 * MIN],
      incident: { startedAt: T0 - 20 * MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['recreate'] },
      ranAs: check(request()).fingerprint,
    };
    const d = run(deleting, observe('RUNNING', check(request(), updated)));
    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.record.phase).toBe('ESCALATED');
    expect(d.record.escalation).toBe('stored request differs from the running connector; not deleting');
  });

  test('a masked configuration value: compared by presence, the delete goes ahead, and the recovery notice names the key', () => {
    const running = request({ connectorConfiguration: { ...CONFIGURATION, 'database.password': '****' } });
    const deleted = run(IDLE, observe('FAILED', check(request(), running)));
    expect(deleted.action.kind).toBe('DELETE');
    expect(deleted.record.incident?.uncompared).toEqual(['connectorConfiguration.database.password']);

    const verifying: RecoveryRecord = { ...deleted.record, phase: 'VERIFYING', phaseSince: T0 + 10 * MIN };
    const recovered = run(verifying, observe('RUNNING', undefined, 'OK'), {}, 'TICK', T0 + 11 * MIN);
    expect(recovered.notice?.done).toBe('Recovered by recreate; the alarm is OK again 660 s after the first step. '
      + 'DescribeConnector masked connectorConfiguration.database.password, so for those keys the guard compared only their presence with the stored request, not their values.');
  });
});

describe('a connector that CloudFormation manages is never re-created behind its stack', () => {
  test.each([
    {
      case: 'the running connector carries the aws:cloudformation:stack-name tag',
      tags: { 'aws:cloudformation:stack-name': 'orders-stack' },
      settings: {},
      belongs: 'CloudFormation stack orders-stack',
    },
    {
      case: 'the guard was built from its CfnConnector',
      tags: {},
      settings: { cloudFormationManaged: true },
      belongs: 'a CloudFormation stack (the guard was built from its CfnConnector)',
    },
  ] as { case: string; tags: Record<string, string>; settings: Partial<Settings>; belongs: string }[])('$case: no delete, the notice says to replace it through its stack', ({ tags, settings, belongs }) => {
    const d = run(IDLE, observe('FAILED', check(request(), request(), tags)), settings);
    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.record.escalation).toBe('connector managed by CloudFormation; not deleting');
    expect(d.notice?.seen).toBe(`The connector is FAILED. A recreate is needed, but the connector belongs to ${belongs}. `
      + 'Re-created outside the stack it would get a new ARN the stack does not know, and the stack\'s next update or delete would fail or orphan it.');
    expect(d.notice?.next).toBe('Replace the connector through its stack (a deployment that replaces the AWS::KafkaConnect::Connector), then reset the guard with `{"action":"reset"}`.');
  });

  test('a CloudFormation-managed, restart-only guard still restarts a RUNNING connector in place', () => {
    const d = run(IDLE, observe('RUNNING'), { strategy: 'RESTART_ONLY', cloudFormationManaged: true });
    expect(d.action).toEqual({ kind: 'RESTART', connectorArn: ARN });
  });

  test('a FAILED CloudFormation-managed connector: the notice says to replace it through its stack', () => {
    const d = run(IDLE, observe('FAILED'), { strategy: 'RESTART_ONLY', cloudFormationManaged: true });
    expect(d.action).toEqual({ kind: 'NONE' });
    expect(d.notice?.next).toBe('Inspect the worker logs and fix the cause; then replace the connector through the CloudFormation stack that manages it '
      + '(never by hand: the stack would lose track of it), and reset the guard.');
  });
});

describe('the request read again for the create must match the one checked before the delete', () => {
  const ranAs = check(request()).fingerprint;
  const gone: RecoveryRecord = {
    phase: 'DELETING',
    phaseSince: T0 - 4 * MIN,
    connectorArn: ARN,
    attempts: [T0 - 4 * MIN],
    deleteAccepted: true,
    ranAs,
    deletedFrom: { workerConfigurationArn: WORKER_ARN, workerConfigurationRevision: 2, bootstrapServers: 'b-1.msk.example.com:9098' },
    incident: { startedAt: T0 - 4 * MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['recreate'] },
  };

  test('unchanged: create', () => {
    const d = run(gone, observe(undefined, check(request())), {}, 'TICK');
    expect(d.action).toEqual({ kind: 'CREATE', request: request() });
  });

  test.each([
    { case: 'swapped for one with other security settings', stored: request({ kafkaClusterClientAuthentication: { authenticationType: 'NONE' }, kafkaClusterEncryptionInTransit: { encryptionType: 'PLAINTEXT' } }), fields: 'kafkaClusterClientAuthentication, kafkaClusterEncryptionInTransit' },
    { case: 'a configuration that now points elsewhere', stored: request({ connectorConfiguration: { ...CONFIGURATION, 'producer.override.bootstrap.servers': 'evil:9092' } }), fields: 'connectorConfiguration' },
    { case: 'tags removed', stored: request({ tags: { team: 'platform-team' } }), fields: 'tags' },
  ])('$case: no create, CRITICAL, the create stays owed, and allowOffsetReset does not change that', ({ stored, fields }) => {
    for (const allowOffsetReset of [false, true]) {
      const d = run(gone, observe(undefined, check(stored)), { allowOffsetReset }, 'TICK');
      expect(d.action).toEqual({ kind: 'NONE' });
      expect(d.record).toMatchObject({ phase: 'ESCALATED', createOwed: true, ranAs });
      expect(d.notice?.severity).toBe('CRITICAL');
      expect(d.notice?.seen).toBe('The guard deleted the connector, and the stored CreateConnector request is now unusable: '
        + `it changed since the delete, in ${fields}; it must describe the connector the guard deleted (restore it as it was).`);
      expectNoValues(d);
    }
  });

  test('an operator\'s recover accepts the changed request (AWS may refuse the old one); the offsets checks still apply', () => {
    const changed = check(request({ kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1.msk.example.com:9098', vpc: { subnets: ['subnet-0new'] } } } }));
    const blocked = run(gone, observe(undefined, changed), {}, 'TICK');
    expect(blocked.record).toMatchObject({ phase: 'ESCALATED', createOwed: true });
    expect(run(blocked.record, observe(undefined, changed), {}, 'TICK', T0 + MIN).action).toEqual({ kind: 'NONE' });
    const recovered = run(blocked.record, observe(undefined, changed), {}, 'MANUAL_RECOVER', T0 + 2 * MIN);
    expect(recovered.action).toEqual({ kind: 'CREATE', request: changed.request });
    const elsewhere = check(request({ kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1.other.example.com:9098', vpc: { subnets: ['subnet-0aaa'] } } } }));
    expect(run(blocked.record, observe(undefined, elsewhere), {}, 'MANUAL_RECOVER', T0 + 2 * MIN).action).toEqual({ kind: 'NONE' });
  });

  test('once the request is restored, the owed create goes ahead on the next tick', () => {
    const blocked = run(gone, observe(undefined, check(request({ capacity: { provisionedCapacity: { mcuCount: 8, workerCount: 10 } } }))), {}, 'TICK');
    expect(blocked.record.createOwed).toBe(true);
    const d = run(blocked.record, observe(undefined, check(request())), {}, 'TICK', T0 + MIN);
    expect(d.action).toEqual({ kind: 'CREATE', request: request() });
  });
});

describe('a restart for errored tasks restarts only the failed tasks where Kafka Connect can (3.7 and later)', () => {
  const ERRORED = `${NAME}-debezium-guard-errored-tasks`;
  test.each([
    { case: 'errored tasks alone, 3.7.x', triggeredBy: [ERRORED], version: '3.7.x', only: true },
    { case: 'errored tasks alone, a later version', triggeredBy: [ERRORED], version: '4.1.x', only: true },
    { case: 'a crash loop (a task failing again and again), 3.7.x', triggeredBy: [`${NAME}-debezium-guard-crash-loop`, ERRORED], version: '3.7.x', only: true },
    { case: 'errored tasks alone, 2.7.1 (no onlyFailedTasks there): the connector', triggeredBy: [ERRORED], version: '2.7.1', only: false },
    { case: 'errored tasks and silent offset commits: the whole connector', triggeredBy: [ERRORED, `${NAME}-debezium-guard-offset-commits`], version: '3.7.x', only: false },
    { case: 'running tasks missing: the whole connector', triggeredBy: [`${NAME}-debezium-guard-running-tasks`], version: '3.7.x', only: false },
    { case: 'the composite does not say which child fired: the whole connector', triggeredBy: undefined, version: '3.7.x', only: false },
  ])('$case', ({ triggeredBy, version, only }) => {
    const d = run(IDLE, observe('RUNNING', undefined, 'ALARM', triggeredBy, version));
    expect(d.action).toEqual(only ? { kind: 'RESTART', connectorArn: ARN, onlyFailedTasks: true } : { kind: 'RESTART', connectorArn: ARN });
    expect(d.reason).toBe(`alarm ALARM with connector RUNNING: restarting ${only ? 'its failed tasks' : 'in place'}`);
    expect(d.record.narrowRestart).toBe(only ? true : undefined);
  });

  test('a failed-tasks restart that did not help is followed by a full restart, never straight by a recreate', () => {
    const narrow = run(IDLE, observe('RUNNING', undefined, 'ALARM', [ERRORED]));
    expect(narrow.record.narrowRestart).toBe(true);
    // the alarm is still on when the verification runs out
    const verifying: RecoveryRecord = { ...narrow.record, phase: 'VERIFYING', phaseSince: T0 + 2 * MIN };
    const after = run(verifying, observe('RUNNING', check(request(), request()), 'ALARM', [ERRORED]), {}, 'TICK', T0 + 13 * MIN);
    expect(after.action).toEqual({ kind: 'NONE' });
    expect(after.record).toMatchObject({ phase: 'IDLE', narrowRestart: undefined });
    // the next attempt (after the backoff) restarts the whole connector, though the composite still names errored tasks
    const full = run(after.record, observe('RUNNING', undefined, 'ALARM', [ERRORED]), {}, 'TICK', T0 + 60 * MIN);
    expect(full.action).toEqual({ kind: 'RESTART', connectorArn: ARN });
    // and a failed restart operation of the narrow kind does not lead to a delete either
    const restarting: RecoveryRecord = { ...narrow.record, operationArn: 'op' };
    const failed = run(restarting, { ...observe('RUNNING', check(request(), request())), operationState: 'RESTART_FAILED' }, {}, 'TICK', T0 + 3 * MIN);
    expect(failed.action).toEqual({ kind: 'NONE' });
    expect(failed.reason).toBe('the restart operation ended RESTART_FAILED (it restarted only the failed tasks); a full restart next, after the backoff');
  });
});
