import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsFleetDirectory } from '../../src/recovery/fleet-directory.lambda-shared';
import { fleetRun, MEMBER_RUN_RESERVE_MS, type FleetDirectory } from '../../src/recovery/fleet-run';
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
      alarming: async () => [],
      records: async () => [
        { connector: 'orders', record: { phase: 'IDLE', attempts: [T0 - 7 * HOUR, T0 - 2 * HOUR] }, leaseUntil: 0 },
        { connector: 'payments', record: { phase: 'IDLE', attempts: [], escalation: 'BUDGET_EXHAUSTED' } as any, leaseUntil: 0 },
      ],
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
      alarming: async () => ['customers'],
      records: async () => [{ connector: 'orders', record: { phase: 'IDLE', attempts: [] }, leaseUntil: T0 + 60_000 }],
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
      alarming: async () => [],
      records: async () => [{ connector: 'orders', record: { phase: 'IDLE', attempts: [] }, leaseUntil: 0 }],
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
      alarming: async () => ['a', 'b', 'c'],
      records: async () => [],
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
      const records = await directory.records();
      expect(records.map((r) => [r.connector, r.record.phase])).toEqual([['orders', 'UNREADABLE'], ['customers', 'IDLE']]);
    } finally {
      ddb.restore();
    }
  });
});
