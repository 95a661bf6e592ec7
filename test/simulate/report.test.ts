import { exitStatus, IN_PROGRESS, jsonReport, renderReport } from '../../tools/simulate/report';
import type { IncidentReport, SimulationReport } from '../../tools/simulate/simulation';

const T0 = Date.UTC(2026, 10, 28, 20, 4, 0);
const S = 1000;

function report(incidents: IncidentReport[], overrides: Partial<SimulationReport> = {}): SimulationReport {
  return {
    profile: 'demo',
    scenario: 'mixed',
    seed: 7,
    startedAt: T0,
    simulatedMs: 120 * S,
    incidents,
    falseAlarms: 0,
    actionsOutsideIncidents: [],
    notices: [],
    warnings: [],
    alarmNotices: [],
    logGaps: [],
    violations: [],
    interrupted: false,
    ...overrides,
  };
}

const recovered: IncidentReport = { id: 1, kind: 'silent-stop', failedAt: T0 + 30 * S, detectedAt: T0 + 40 * S, recoveredAt: T0 + 43 * S, actions: ['restart'], offsetBefore: 2463, offsetAfter: 2567 };
const detectedOnly = (extra: Partial<IncidentReport> = {}): IncidentReport => ({
  id: 2, kind: 'failed-task', failedAt: T0 + 80 * S, detectedAt: T0 + 90 * S, actions: ['restart'], offsetBefore: 4582, ...extra,
});
const row = (lines: string[], id: number) => lines.find((l) => l.startsWith(`#${id} `))!.split(/ {2,}/);

describe('an incident still being handled when the run is interrupted', () => {
  const interrupted = report([recovered, detectedOnly({ interrupted: true })], { interrupted: true });

  test('table: "in progress (interrupted)", not NOT RECOVERED; the totals count it', () => {
    const lines = renderReport(interrupted, 10 * S);
    expect(row(lines, 1)).toEqual(['#1', 'silent-stop', '10 s (1 polls)', '13 s', 'restart', 'yes (2463 -> 2567)']);
    expect(row(lines, 2)).toEqual(['#2', 'failed-task', '10 s (1 polls)', IN_PROGRESS, 'restart', '-']);
    expect(lines.join('\n')).not.toContain('NOT RECOVERED');
    expect(lines).toContain('2 incident(s), 1 recovered, 0 healed by themselves, 1 in progress (interrupted); 0 alarm(s) without a failure; 0 action(s) outside incidents.');
  });

  test('--json: the same label, status 130', () => {
    const doc = jsonReport({ seed: 7 }, interrupted, 10 * S);
    expect(doc.incidents[1]).toEqual({
      id: 2,
      failure: 'failed-task',
      failedAtSeconds: 80,
      detectedAfterSeconds: 10,
      detectedAfterPolls: 1,
      recoveredAfterSeconds: null,
      outcome: 'in progress (interrupted)',
      actions: ['restart'],
      action: 'restart',
      offsets: { before: 4582, after: null, kept: null },
    });
    expect(doc).toMatchObject({
      options: { seed: 7 }, interrupted: true, exitStatus: 130, comparison: null, summary: { incidents: 2, recovered: 1, inProgress: 1 },
    });
    expect(exitStatus(interrupted)).toBe(130);
  });

  test('not interrupted, an unrecovered incident is still NOT RECOVERED, status 1', () => {
    const ended = report([recovered, detectedOnly()]);
    expect(row(renderReport(ended, 10 * S), 2)[3]).toBe('NOT RECOVERED');
    expect(renderReport(ended, 10 * S)).toContain('2 incident(s), 1 recovered, 0 healed by themselves; 0 alarm(s) without a failure; 0 action(s) outside incidents.');
    const doc = jsonReport({}, ended, 10 * S);
    expect(doc.incidents[1].outcome).toBe('not recovered');
    expect(doc.exitStatus).toBe(1);
  });
});

describe('exit status and the JSON summary', () => {
  test('0 when all recovered or healed; 1 on a broken invariant', () => {
    const healed: IncidentReport = { id: 2, kind: 'flapping', failedAt: T0 + 80 * S, actions: [], offsetBefore: 10, selfHealed: true };
    expect(exitStatus(report([recovered, healed]))).toBe(0);
    expect(jsonReport({}, report([recovered, healed]), 10 * S).incidents[1]).toMatchObject({ outcome: 'healed by itself', action: 'none', detectedAfterSeconds: null });
    expect(exitStatus(report([recovered], { violations: ['the connector was left deleted'] }))).toBe(1);
  });

  test('offsets lost are counted and marked not kept; the comparison carries the seed run', () => {
    const lost: IncidentReport = { ...recovered, actions: ['delete', 'create'], recoveredAt: T0 + 630 * S, offsetAfter: 0 };
    const doc = jsonReport({}, report([recovered]), 60 * S, report([lost], { profile: 'seed approach' }));
    expect(doc.comparison!.seedApproach.incidents[0]).toMatchObject({ action: 'delete -> create', recoveredAfterSeconds: 600, offsets: { before: 2463, after: 0, kept: false } });
    expect(doc.comparison!.seedApproach.summary).toMatchObject({
      incidentsWithOffsetsLost: 1, medianTimeToRecoverSeconds: 600, maxTimeToRecoverSeconds: 600,
    });
    expect(doc.summary).toMatchObject({ incidentsWithOffsetsLost: 0, medianTimeToRecoverSeconds: 13 });
  });
});
