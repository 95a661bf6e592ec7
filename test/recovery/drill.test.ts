/**
 * The drill's pure core (decide/drill.ts): its verdict is the decision core's answer to an alarm, never
 * a policy of its own; its checks name what a recovery would need.
 */
import { tableSettings } from './fixtures';
import { decide } from '../../src/recovery/decide';
import { drillReport, type DrillInput } from '../../src/recovery/decide/drill';
import type { ConfigCheck, ConnectorView, RecoveryRecord, Settings, Strategy } from '../../src/recovery/model';
import { drillReportNotice } from '../../src/recovery/notices';

const NOW = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const SETTINGS = tableSettings('orders-cdc');
const RUNNING: ConnectorView = { arn: 'arn:aws:kafkaconnect:eu-west-1:123456789012:connector/orders-cdc/abc', state: 'RUNNING', kafkaConnectVersion: '3.7.x' };
const GOOD_CONFIG: ConfigCheck = {
  problems: [], offsetsPreserved: true, request: { connectorName: 'orders-cdc' }, drift: { differences: [], uncompared: [] },
};

function input(overrides: Partial<DrillInput> = {}): DrillInput {
  return {
    settings: SETTINGS,
    record: { phase: 'IDLE', attempts: [] },
    now: NOW,
    connector: { value: RUNNING },
    alarm: { value: { state: 'OK', actionsEnabled: true } },
    config: { value: GOOD_CONFIG },
    notChecked: [{ check: 'permissions of the strategy', why: 'not checked: no permission' }],
    ...overrides,
  };
}

function statuses(report: ReturnType<typeof drillReport>): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
}

describe('drill verdict', () => {
  test('healthy, RESTART_THEN_RECREATE: would restart, and then re-create', () => {
    const report = drillReport(input());
    expect(report.verdict).toEqual({ outcome: 'WOULD_RESTART', because: 'alarm ALARM with connector RUNNING: restarting in place' });
    expect(report.ifRestartDoesNotHelp?.outcome).toBe('WOULD_RECREATE');
    expect(report.checks.map((c) => c.check)).toEqual([
      'connector', 'composite alarm', 'EventBridge rules', 'stored request', 'stored request compared with the running connector',
      'worker configuration keeps offsets', 'recovery state', 'permissions of the strategy',
    ]);
    expect(report.checks.filter((c) => c.status !== 'OK')).toEqual([
      { check: 'EventBridge rules', status: 'NOT_CHECKED', detail: 'not checked: the function\'s own ARN is not known (it runs outside Lambda)' },
      { check: 'permissions of the strategy', status: 'NOT_CHECKED', detail: 'not checked: no permission' },
    ]);
  });

  test.each([
    [{ value: 12 }, 'OK', '12 counted commit line(s) in the last 15 min (the guard\'s offset-commit metric)'],
    [{ value: 0 }, 'PROBLEM', expect.stringMatching(/^none counted in the last 15 min: the guard would take it for a stall or a log-delivery gap/)],
    [{ error: 'Throttling: Rate exceeded' }, 'NOT_CHECKED', 'could not be counted: Throttling: Rate exceeded'],
  ])('the offset commits counted (%j): %s, after the recovery state; the verdict does not depend on them', (commits, status, detail) => {
    const report = drillReport(input({ commits: commits as DrillInput['commits'] }));
    expect(report.checks.map((c) => c.check).slice(-2)).toEqual(['offset commits in the worker log group', 'permissions of the strategy']);
    expect(report.checks.find((c) => c.check === 'offset commits in the worker log group')).toEqual({ check: 'offset commits in the worker log group', status, detail });
    expect(report.verdict).toEqual(drillReport(input()).verdict);
  });

  test('an error reading the stored request: a real run would fail before any delete', () => {
    const report = drillReport(input({ connector: { value: { ...RUNNING, state: 'FAILED' } }, config: { error: 'AccessDenied: denied (HTTP 403)' } }));
    expect(report.verdict).toEqual({
      outcome: 'WOULD_REFUSE',
      because: 'a real run would fail: it must read the stored request before any delete, and it could not be read (AccessDenied: denied (HTTP 403))',
    });
    expect(statuses(report)['stored request']).toBe('PROBLEM');
  });

  test('an error reading the alarm, or no alarm: refuse, without asking the decision core', () => {
    expect(drillReport(input({ alarm: { error: 'Throttling' } })).verdict.because).toBe('a real run would fail: the composite alarm could not be read (Throttling)');
    expect(drillReport(input({ alarm: { value: { state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true } } })).verdict.outcome).toBe('WOULD_REFUSE');
  });

  test('a restart the record follows: the decision core waits for it (refuse: nothing new would start)', () => {
    const record: RecoveryRecord = { phase: 'RESTARTING', phaseSince: NOW - MIN, attempts: [NOW - MIN], connectorArn: RUNNING.arn, operationArn: 'op', incident: { startedAt: NOW - MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart'] } };
    const report = drillReport(input({ record, operationState: 'RESTART_IN_PROGRESS' }));
    expect(report.verdict.outcome).toBe('WOULD_REFUSE');
    expect(report.verdict.because).toMatch(/restart/);
  });

  // The verdict must agree with the real run: the decision core on the alarm event, for every strategy,
  // connector state, switch and budget.
  const strategies: Strategy[] = ['RESTART_THEN_RECREATE', 'RESTART_ONLY', 'RECREATE', 'NOTIFY_ONLY'];
  const states = ['RUNNING', 'FAILED', 'PAUSED', 'UPDATING', undefined];
  const cases = strategies.flatMap((strategy) => states.flatMap((state) => [true, false].flatMap((actionsEnabled) => [0, 3].flatMap((attempts) =>
    [GOOD_CONFIG, { ...GOOD_CONFIG, drift: { differences: ['tags.team'], uncompared: [] } }].map((config) => ({ strategy, state, actionsEnabled, attempts, config }))))));
  test.each(cases.map((c) => [`${c.strategy} ${c.state ?? 'missing'} actions ${c.actionsEnabled} attempts ${c.attempts} drift ${c.config.drift!.differences.length}`, c]))(
    'agrees with decide on the alarm: %s', (_, { strategy, state, actionsEnabled, attempts, config }) => {
      const settings: Settings = { ...SETTINGS, strategy };
      const record: RecoveryRecord = { phase: 'IDLE', attempts: Array.from({ length: attempts }, (__, i) => NOW - (i + 1) * 10 * MIN) };
      const connector = state ? { ...RUNNING, state } : undefined;
      const report = drillReport(input({ settings, record, connector: { value: connector }, alarm: { value: { state: 'OK', actionsEnabled } }, config: { value: config } }));
      const real = decide({ settings, record, now: NOW, trigger: 'ALARM', observation: { connector, alarm: { state: 'ALARM', actionsEnabled }, config } });
      const expected = { RESTART: 'WOULD_RESTART', DELETE: 'WOULD_RECREATE', CREATE: 'WOULD_RECREATE', NONE: 'WOULD_REFUSE', LOAD_CONFIG: 'WOULD_REFUSE' }[real.action.kind];
      expect(report.verdict.outcome).toBe(expected);
      expect(report.verdict.because).toBe(real.reason);
    });
});

describe('drill notice', () => {
  test('INFO when a recovery would act and every check passed; WARNING with the problems otherwise', () => {
    const good = drillReportNotice({ ...SETTINGS, strategy: 'RECREATE' }, drillReport(input({ settings: { ...SETTINGS, strategy: 'RECREATE' } })));
    expect(good.subject).toBe('[INFO] orders-cdc: DRILL: would re-create');
    expect(good.next).toMatch(/^Nothing to fix/);
    const stale = drillReport(input({ settings: { ...SETTINGS, strategy: 'RECREATE' }, config: { value: { ...GOOD_CONFIG, drift: { differences: ['capacity'], uncompared: [] } } } }));
    const bad = drillReportNotice(SETTINGS, stale);
    expect(bad.subject).toBe('[WARNING] orders-cdc: DRILL: would refuse');
    expect(bad.seen).toContain('- stored request compared with the running connector: PROBLEM: differs (stale request) in capacity');
    expect(bad.next).toBe('Fix what the checks report (stored request compared with the running connector), then run the drill again.');
    expect(bad.done).toMatch(/^Nothing: a drill restarts, deletes and creates nothing/);
  });
});
