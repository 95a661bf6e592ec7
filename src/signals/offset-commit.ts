import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { guardAlarmName } from './alarm-text';
import { signalAlarm } from './signal-alarm';
import type { GuardSettings } from '../guard-settings';
import { OFFSET_COMMIT_NAMESPACE } from '../recovery/constants';

/** The offset commits in the worker logs: the metric filter that counts them and the alarms on their silence. */
export interface OffsetCommitSignal {
  readonly metricFilter: logs.MetricFilter;
  /** Offset commits per period (the metric filter's raw metric). */
  readonly commits: cloudwatch.Metric;
  /** Fires when no offset commit was logged for the whole window (alone, it only warns: logs can be lost). */
  readonly alarm: cloudwatch.Alarm;
  /**
   * Fires when no offset commit was logged for a short gap (1 minute by default). It never acts
   * alone: with the native no-production alarm it confirms a stall from two independent sources.
   * Undefined for a fleet's member, whose stall alarm reads the commits itself.
   */
  readonly gapAlarm?: cloudwatch.Alarm;
}

/**
 * Counts successful offset commits in the worker logs and alarms when there were none for the
 * whole window. The alarms read `FILL(commits, 0)`: without the fill, an older good datapoint
 * inside the evaluation range would keep them OK for several more periods.
 */
export function offsetCommitSignal(
  scope: Construct, connectorName: string, settings: GuardSettings, logGroup: logs.ILogGroup, filterPattern: logs.IFilterPattern, withGap = true,
): OffsetCommitSignal {
  const signal = new Construct(scope, 'OffsetCommit');
  const tuning = settings.offsetCommitAlarm;
  const gap = settings.offsetCommitGapAlarm;
  const metricFilter = new logs.MetricFilter(signal, 'MetricFilter', {
    logGroup,
    filterPattern,
    metricNamespace: OFFSET_COMMIT_NAMESPACE,
    metricName: connectorName,
    metricValue: '1',
  });
  const commits = new cloudwatch.Metric({
    namespace: OFFSET_COMMIT_NAMESPACE,
    metricName: connectorName,
    statistic: cloudwatch.Stats.SUM,
    period: tuning.period,
    label: 'Offset commits',
  });
  const filled = (metric: cloudwatch.Metric) => new cloudwatch.MathExpression({
    expression: 'FILL(commits, 0)',
    usingMetrics: { commits: metric },
    period: metric.period,
    label: 'Offset commits (missing = 0)',
  });
  const alarm = signalAlarm(signal, 'Alarm', {
    connectorName,
    signal: 'offset-commits',
    description: `no successful offset commit in the worker logs for ${tuning.evaluationPeriods} x ${tuning.period.toHumanString()}. `
      + 'Check first: ERROR lines in the worker log group, then the connection to the source database; a database with no writes needs Debezium heartbeats (heartbeat.interval.ms).',
    metric: filled(commits),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    tuning,
  });
  const gapAlarm = withGap ? signalAlarm(signal, 'GapAlarm', {
    connectorName,
    signal: 'offset-commit-gap',
    description: `no successful offset commit in the worker logs for ${gap.evaluationPeriods} x ${gap.period.toHumanString()}. `
      + `It acts only together with ${guardAlarmName(connectorName, 'no-production')} (worker logs can be delayed or lost). Check first: that alarm, then ERROR lines in the worker log group.`,
    metric: filled(commits.with({ period: gap.period })),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    tuning: gap,
  }) : undefined;
  return { metricFilter, commits, alarm, gapAlarm };
}
