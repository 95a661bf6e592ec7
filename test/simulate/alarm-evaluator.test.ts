import { evaluateAlarm } from '../../tools/simulate/alarm-evaluator';
import type { AlarmDefinition } from '../../tools/simulate/alarm-model';

const P = 60_000;
const NOW = 10 * P; // evaluated at a period boundary: the last complete period is [9P, 10P)

function alarm(overrides: Partial<AlarmDefinition> = {}): AlarmDefinition {
  return {
    logicalId: 'A',
    metric: { namespace: 'N', metricName: 'M', statistic: 'Sum' },
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'breaching',
    ...overrides,
  };
}

/** Datapoints by period index from the end: values[0] is the most recent complete period. */
function series(...values: (number | undefined)[]) {
  return (start: number) => values[Math.round((NOW - P - start) / P)];
}

describe('evaluateAlarm (CloudWatch semantics)', () => {
  test.each([
    { case: 'all breaching', a: {}, data: [0, 0, 0], expected: 'ALARM' },
    { case: 'one good datapoint in the range keeps it OK (3 of 3)', a: {}, data: [0, 0, 5], expected: 'OK' },
    { case: '2 of 3 with one good datapoint', a: { datapointsToAlarm: 2 }, data: [0, 5, 0], expected: 'ALARM' },
    { case: 'missing = breaching', a: {}, data: [undefined, undefined, undefined], expected: 'ALARM' },
    { case: 'FILL(m, 0) turns missing into breaching zeros', a: { fill: 0, treatMissingData: 'missing' as const }, data: [undefined, 0, undefined], expected: 'ALARM' },
    { case: 'missing = notBreaching', a: { treatMissingData: 'notBreaching' as const }, data: [undefined, 0, 0], expected: 'OK' },
    { case: 'missing = missing, all missing: INSUFFICIENT_DATA', a: { treatMissingData: 'missing' as const }, data: [undefined, undefined, undefined], expected: 'INSUFFICIENT_DATA' },
    { case: 'missing = missing, the present ones decide', a: { treatMissingData: 'missing' as const, datapointsToAlarm: 2 }, data: [0, undefined, 0], expected: 'ALARM' },
    { case: 'missing = ignore, all missing: the state is kept', a: { treatMissingData: 'ignore' as const }, data: [undefined, undefined, undefined], expected: 'ALARM' },
    { case: 'greater than', a: { comparison: 'GreaterThanThreshold' as const, threshold: 0, evaluationPeriods: 1, datapointsToAlarm: 1 }, data: [1], expected: 'ALARM' },
    { case: 'greater or equal, at the threshold', a: { comparison: 'GreaterThanOrEqualToThreshold' as const, evaluationPeriods: 1, datapointsToAlarm: 1 }, data: [1], expected: 'ALARM' },
    { case: 'less or equal, above', a: { comparison: 'LessThanOrEqualToThreshold' as const, evaluationPeriods: 1, datapointsToAlarm: 1 }, data: [2], expected: 'OK' },
  ])('$case', ({ a, data, expected }) => {
    expect(evaluateAlarm(alarm(a), series(...data), NOW, 'ALARM')).toBe(expected);
  });

  test('only complete periods count: mid-period, the current period is not looked at', () => {
    // The current period [10P, 11P) has no data yet; the last three complete ones are good.
    expect(evaluateAlarm(alarm(), (start) => (start >= NOW ? undefined : 5), NOW + P / 2, 'OK')).toBe('OK');
  });
});
