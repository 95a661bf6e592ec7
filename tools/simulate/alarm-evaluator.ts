import type { AlarmDefinition } from './alarm-model';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One datapoint per period: the aggregated value, or undefined when nothing was published. */
export type Datapoints = (periodStart: number, periodEnd: number) => number | undefined;

/**
 * Evaluates a metric alarm the way CloudWatch does, at time `now` (ms), over the last
 * `evaluationPeriods` complete periods:
 * - `FILL(m, v)` replaces missing datapoints before anything else;
 * - missing data is then breaching, not breaching, ignored (state kept) or, for `missing`, looked
 *   past: only present datapoints count, and with none at all the state is INSUFFICIENT_DATA;
 * - ALARM when at least `datapointsToAlarm` of them breach, else OK.
 */
export function evaluateAlarm(alarm: AlarmDefinition, datapoints: Datapoints, now: number, previous: AlarmStateValue): AlarmStateValue {
  const periodMs = alarm.periodSeconds * 1000;
  const lastEnd = Math.floor(now / periodMs) * periodMs;
  let breaching = 0;
  let present = 0;
  for (let i = 0; i < alarm.evaluationPeriods; i++) {
    const end = lastEnd - i * periodMs;
    let value = datapoints(end - periodMs, end);
    if (value === undefined && alarm.fill !== undefined) {
      value = alarm.fill;
    }
    if (value === undefined) {
      switch (alarm.treatMissingData) {
        case 'breaching': breaching += 1; present += 1; break;
        case 'notBreaching': present += 1; break;
        default: break;
      }
      continue;
    }
    present += 1;
    if (breaches(alarm, value)) {
      breaching += 1;
    }
  }
  if (present === 0) {
    return alarm.treatMissingData === 'ignore' ? previous : 'INSUFFICIENT_DATA';
  }
  return breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
}

function breaches(alarm: AlarmDefinition, value: number): boolean {
  switch (alarm.comparison) {
    case 'GreaterThanThreshold': return value > alarm.threshold;
    case 'GreaterThanOrEqualToThreshold': return value >= alarm.threshold;
    case 'LessThanThreshold': return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold': return value <= alarm.threshold;
  }
}
