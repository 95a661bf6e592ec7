import { fleetRun, type FleetDirectory } from '../../src/recovery/fleet-run';
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
