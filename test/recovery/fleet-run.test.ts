import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { MemberAlarmReader } from '../../src/recovery/aws.lambda-shared';
import { AwsFleetDirectory } from '../../src/recovery/fleet-directory.lambda-shared';
import { fleetRun, logGapsToWarn, MEMBER_RUN_RESERVE_MS, type FleetDirectory } from '../../src/recovery/fleet-run';
import type { Settings } from '../../src/recovery/model';
import type { Telemetry } from '../../src/recovery/ports';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;
const SETTINGS: Settings = {
  connectorName: '',
  strategy: 'RESTART_THEN_RECREATE',
  allowOffsetReset: false,
  cooldownMs: 300_000,
  budget: 3,
  budgetWindowMs: 6 * HOUR,
  verifyMs: 420_000,
  operationTimeoutMs: 1_800_000,
};

describe('a fleet tick\'s status lines (what the fleet dashboard\'s table reads)', () => {
  test('one line for each member\'s record: its phase, attempts in the budget window and last attempt; no member is run', async () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const telemetry: Telemetry = { info: (m, f) => lines.push([m, f]), error: () => undefined, metric: () => undefined };
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: [], paused: [], logsSilentSince: {} }),
      state: async () => ({
        records: [
          { connector: 'orders', record: { phase: 'IDLE', attempts: [T0 - 7 * HOUR, T0 - 2 * HOUR] }, leaseUntil: 0 },
          { connector: 'payments', record: { phase: 'IDLE', attempts: [], escalation: 'BUDGET_EXHAUSTED' } as any, leaseUntil: 0 },
        ],
        logWarnedFor: {},
      }),
      claimLogWarning: async () => true,
      member: async () => { throw new Error('no member is looked up when none needs a run'); },
    };
    const summary = await fleetRun(directory, () => { throw new Error('no member is run'); }, { publish: async () => undefined }, telemetry, {
      settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0,
    });
    expect(summary.runs).toEqual([]);
    expect(lines).toEqual([
      ['member status', { connector: 'orders', phase: 'IDLE', attemptsInBudgetWindow: 1, lastRecoveryAttempt: new Date(T0 - 2 * HOUR).toISOString() }],
      ['member status', { connector: 'payments', phase: 'IDLE', escalation: 'BUDGET_EXHAUSTED', attemptsInBudgetWindow: 0 }],
    ]);
  });

  test('a record leased by a run that died is in flight, IDLE or not', async () => {
    const looked: string[] = [];
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: ['customers'], paused: [], logsSilentSince: {} }),
      state: async () => ({ records: [{ connector: 'orders', record: { phase: 'IDLE', attempts: [] }, leaseUntil: T0 + 60_000 }], logWarnedFor: {} }),
      claimLogWarning: async () => true,
      member: async (name) => { looked.push(name); return undefined; },
    };
    const telemetry: Telemetry = { info: () => undefined, error: () => undefined, metric: () => undefined };
    const summary = await fleetRun(directory, () => { throw new Error('not a member'); }, { publish: async () => undefined }, telemetry, {
      settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0,
    });
    expect(looked).toEqual(['customers', 'orders']);
    expect(summary.runs.map((r) => r.skipped !== undefined)).toEqual([true, true]);
  });
});

describe('a fleet run\'s time and records', () => {
  const quiet: Telemetry = { info: () => undefined, error: () => undefined, metric: () => undefined };

  test('status lines come every fifth minute only', async () => {
    const lines: string[] = [];
    const telemetry: Telemetry = { ...quiet, info: (m) => lines.push(m) };
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: [], paused: [], logsSilentSince: {} }),
      state: async () => ({ records: [{ connector: 'orders', record: { phase: 'IDLE', attempts: [] }, leaseUntil: 0 }], logWarnedFor: {} }),
      claimLogWarning: async () => true,
      member: async () => undefined,
    };
    for (let minute = 0; minute < 10; minute++) {
      await fleetRun(directory, () => { throw new Error('no run'); }, { publish: async () => undefined }, telemetry, {
        settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0 + minute * 60_000,
      });
    }
    expect(lines).toEqual(['member status', 'member status']);
  });

  test('with too little of the function\'s time left, members are not started: the next tick runs them, and the digest still goes out', async () => {
    let left = MEMBER_RUN_RESERVE_MS + 1;
    const started: string[] = [];
    const sent: string[] = [];
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: ['a', 'b', 'c'], paused: [], logsSilentSince: {} }),
      state: async () => ({ records: [], logWarnedFor: {} }),
      claimLogWarning: async () => true,
      member: async (connector) => {
        started.push(connector);
        left -= 10_000; // each member's run takes ten seconds of the function's time
        return undefined;
      },
    };
    const summary = await fleetRun(directory, () => { throw new Error('no run'); }, { publish: async (subject) => { sent.push(subject); } }, quiet, {
      settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 1, now: T0, remainingMs: () => left,
    });
    expect(started).toEqual(['a']);
    expect(summary.runs.map((r) => [r.connector, r.deferred === true])).toEqual([['a', false], ['b', true], ['c', true]]);
  });

  test('a record that does not parse is in flight: its own member\'s run meets it, not the whole tick', async () => {
    const ddb = mockClient(DynamoDBClient);
    try {
      ddb.on(ScanCommand).resolves({ Items: [{ pk: { S: 'orders' }, record: { S: '{not json' } }, { pk: { S: 'customers' }, record: { S: '{"phase":"IDLE","attempts":[]}' } }] });
      const directory = new AwsFleetDirectory(new CloudWatchClient({ region: 'eu-west-1' }), new DynamoDBClient({ region: 'eu-west-1' }), 'table', 'fleet');
      const { records } = await directory.state();
      expect(records.map((r) => [r.connector, r.record.phase])).toEqual([['orders', 'UNREADABLE'], ['customers', 'IDLE']]);
    } finally {
      ddb.restore();
    }
  });
});

describe('a fleet member\'s alarms, read without a composite alarm', () => {
  const alarm = (name: string, more: Record<string, unknown> = {}) => ({
    AlarmName: name, AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`, StateValue: 'ALARM' as const, ActionsEnabled: true, ...more,
  });

  test('one DescribeAlarms of the metric alarms in ALARM: trigger signals start a run, paused ones do not (but are not healthy), a silent log is dated, other alarms are left alone', async () => {
    const cw = mockClient(CloudWatchClient);
    try {
      const silentAt = new Date(T0 - 30_000);
      cw.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [
          alarm('orders-debezium-guard-stall'),
          alarm('orders-debezium-guard-tasks'),
          alarm('pay-ments-debezium-guard-tasks'),
          alarm('customers-debezium-guard-lag'),
          alarm('billing-debezium-guard-offset-commits', { StateTransitionedTimestamp: silentAt }),
          alarm('paused-debezium-guard-stall', { ActionsEnabled: false }),
          // A single guard's signal alarm and someone else's alarm are no member's trigger.
          alarm('legacy-debezium-guard-crash-loop'),
          alarm('HighCPU'),
        ],
      });
      const directory = new AwsFleetDirectory(new CloudWatchClient({ region: 'eu-west-1' }), new DynamoDBClient({ region: 'eu-west-1' }), 'table', 'fleet');
      expect(await directory.alarming()).toEqual({
        triggered: ['customers', 'orders', 'pay-ments'], paused: ['paused'], logsSilentSince: { billing: silentAt.getTime() },
      });
      expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toEqual({ AlarmTypes: ['MetricAlarm'], StateValue: 'ALARM', MaxRecords: 100, NextToken: undefined });
    } finally {
      cw.restore();
    }
  });

  test.each([
    ['one trigger alarm in ALARM: ALARM, naming it', [['stall', 'OK', true], ['tasks', 'ALARM', true]], { state: 'ALARM', actionsEnabled: true, triggeredBy: ['orders-debezium-guard-tasks'] }],
    ['none in ALARM (INSUFFICIENT_DATA counts as not): OK', [['stall', 'OK', true], ['tasks', 'INSUFFICIENT_DATA', true]], { state: 'OK', actionsEnabled: true }],
    ['the stall alarm\'s actions disabled: paused', [['stall', 'ALARM', false], ['tasks', 'OK', true]], { state: 'ALARM', actionsEnabled: false, triggeredBy: ['orders-debezium-guard-stall'] }],
    ['no stall alarm: missing, nothing is started', [['tasks', 'ALARM', true]], { state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true }],
  ])('a member\'s alarms read as its composite would be: %s', async (_, alarms, expected) => {
    const cw = mockClient(CloudWatchClient);
    try {
      cw.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: (alarms as Array<[string, string, boolean]>).map(([signal, state, enabled]) => alarm(`orders-debezium-guard-${signal}`, { StateValue: state, ActionsEnabled: enabled })),
      });
      expect(await new MemberAlarmReader(new CloudWatchClient({ region: 'eu-west-1' }), 'orders').read()).toEqual(expected);
      expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toEqual({
        AlarmNames: ['orders-debezium-guard-stall', 'orders-debezium-guard-tasks', 'orders-debezium-guard-connected', 'orders-debezium-guard-lag'],
        AlarmTypes: ['MetricAlarm'],
      });
    } finally {
      cw.restore();
    }
  });

  test('a member is registered by its stall alarm\'s tags', async () => {
    const cw = mockClient(CloudWatchClient);
    try {
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm('orders-debezium-guard-stall')] });
      cw.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'debezium-guard:fleet', Value: 'fleet' }, { Key: 'debezium-guard:config-key', Value: 'k.json' }] });
      const directory = new AwsFleetDirectory(new CloudWatchClient({ region: 'eu-west-1' }), new DynamoDBClient({ region: 'eu-west-1' }), 'table', 'fleet');
      expect(await directory.member('orders')).toMatchObject({ connectorName: 'orders', configKey: 'k.json' });
      expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toEqual({ AlarmNames: ['orders-debezium-guard-stall'], AlarmTypes: ['MetricAlarm'] });
      expect(cw.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({ ResourceARN: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-debezium-guard-stall' });
    } finally {
      cw.restore();
    }
  });
});

describe('a member\'s log-delivery warning', () => {
  const quiet: Telemetry = { info: () => undefined, error: () => undefined, metric: () => undefined };
  const member = (connectorName: string) => ({ connectorName, configBucket: 'b', configKey: 'k', configBucketOwner: '1', serviceExecutionRoleArn: 'r' });

  test('for each gap once: an offset-commit alarm in ALARM, no trigger alarm up (paused or not), not in flight, not yet warned of that transition', () => {
    expect(logGapsToWarn(
      { a: T0, b: T0, c: T0, d: T0, e: T0 },
      { b: T0, c: T0 - 60_000 },
      ['d', 'e'],
    )).toEqual([{ connector: 'a', since: T0 }, { connector: 'c', since: T0 }]);
  });

  test('goes into the run\'s digest as a WARNING naming the alarms, only for this fleet\'s members', async () => {
    const sent: Array<[string, string, string | undefined]> = [];
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: [], paused: [], logsSilentSince: { orders: T0 - 30_000, stranger: T0 - 30_000 } }),
      state: async () => ({ records: [], logWarnedFor: {} }),
      claimLogWarning: async () => true,
      member: async (name) => (name === 'orders' ? member(name) : undefined),
    };
    const summary = await fleetRun(directory, () => { throw new Error('nothing is run for a silent log'); },
      { publish: async (subject, message, severity) => { sent.push([subject, message, severity]); } }, quiet, {
        settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0 + 1_000,
      });
    expect(summary.runs).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0][0]).toBe('WARNING: worker logs of orders stopped arriving');
    expect(sent[0][1]).toContain('orders-debezium-guard-offset-commits in ALARM, orders-debezium-guard-stall not');
    expect(sent[0][2]).toBe('WARNING');
  });

  test('claimed before it is sent: a gap already claimed (another run, or an earlier tick) is not warned of again', async () => {
    const sent: string[] = [];
    const claims: Array<[string, number]> = [];
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: [], paused: [], logsSilentSince: { orders: T0 - 30_000 } }),
      state: async () => ({ records: [], logWarnedFor: {} }),
      claimLogWarning: async (name, since) => { claims.push([name, since]); return false; },
      member: async (name) => member(name),
    };
    await fleetRun(directory, () => { throw new Error('no run'); }, { publish: async (subject) => { sent.push(subject); } }, quiet, {
      settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0,
    });
    expect(claims).toEqual([['orders', T0 - 30_000]]);
    expect(sent).toEqual([]);
  });

  test('with too little of the function\'s time left, no warning is claimed or sent: a later tick sends it', async () => {
    const directory: FleetDirectory = {
      alarming: async () => ({ triggered: [], paused: [], logsSilentSince: { orders: T0 - 30_000 } }),
      state: async () => ({ records: [], logWarnedFor: {} }),
      claimLogWarning: async () => { throw new Error('nothing is claimed'); },
      member: async () => { throw new Error('nothing is looked up'); },
    };
    const summary = await fleetRun(directory, () => { throw new Error('no run'); }, { publish: async () => { throw new Error('nothing is sent'); } }, quiet, {
      settings: SETTINGS, trigger: 'TICK', runId: 'r', leaseMs: 180_000, concurrency: 4, now: T0, remainingMs: () => MEMBER_RUN_RESERVE_MS - 1,
    });
    expect(summary.runs).toEqual([]);
  });
});
