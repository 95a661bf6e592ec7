import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AlarmTuning } from '../props';
import { DEFAULT_EVALUATION_PERIODS, offsetCommitEvaluationPeriods, resolveTuning } from './alarm-options';
import { guardAlarmName } from './alarm-text';

/** Namespace of the offset-commit metric created by the metric filter. */
export const OFFSET_COMMIT_NAMESPACE = 'DebeziumGuard/OffsetCommits';

export interface OffsetCommitSignalProps {
  readonly connectorName: string;
  readonly logGroup: logs.ILogGroup;
  readonly filterPattern: logs.IFilterPattern;
  readonly window?: Duration;
  readonly tuning?: AlarmTuning;
  /** Tuning of the short gap alarm that corroborates the native no-production alarm. */
  readonly gapTuning?: AlarmTuning;
}

/**
 * Counts successful offset commits in the worker logs and alarms when there were none for the
 * whole window. The alarm reads `FILL(commits, 0)`: without the fill, an older good datapoint
 * inside the evaluation range would keep it OK for several more periods.
 */
export class OffsetCommitSignal extends Construct {
  public readonly metricFilter: logs.MetricFilter;
  /** Offset commits per period (the metric filter's raw metric). */
  public readonly commits: cloudwatch.Metric;
  /** Fires when no offset commit was logged for the whole window (alone, it only warns: logs can be lost). */
  public readonly alarm: cloudwatch.Alarm;
  /**
   * Fires when no offset commit was logged for a short gap (1 minute by default). It never acts
   * alone: with the native no-production alarm it confirms a stall from two independent sources.
   */
  public readonly gapAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OffsetCommitSignalProps) {
    super(scope, id);
    const tuning = resolveTuning(props.tuning, {
      evaluationPeriods: offsetCommitEvaluationPeriods(props.window, props.tuning),
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    this.metricFilter = new logs.MetricFilter(this, 'MetricFilter', {
      logGroup: props.logGroup,
      filterPattern: props.filterPattern,
      metricNamespace: OFFSET_COMMIT_NAMESPACE,
      metricName: props.connectorName,
      metricValue: '1',
    });
    this.commits = new cloudwatch.Metric({
      namespace: OFFSET_COMMIT_NAMESPACE,
      metricName: props.connectorName,
      statistic: cloudwatch.Stats.SUM,
      period: tuning.period,
      label: 'Offset commits',
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: guardAlarmName(props.connectorName, 'offset-commits'),
      alarmDescription: `Debezium connector ${props.connectorName}: no successful offset commit in the worker logs for ${tuning.evaluationPeriods} x ${tuning.period.toHumanString()}. `
        + 'Check first: ERROR lines in the worker log group, then the connection to the source database; a database with no writes needs Debezium heartbeats (heartbeat.interval.ms).',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(commits, 0)',
        usingMetrics: { commits: this.commits },
        period: tuning.period,
        label: 'Offset commits (missing = 0)',
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: tuning.evaluationPeriods,
      datapointsToAlarm: tuning.datapointsToAlarm,
      treatMissingData: tuning.treatMissingData,
    });
    const gap = resolveTuning(props.gapTuning, {
      evaluationPeriods: DEFAULT_EVALUATION_PERIODS.offsetCommitGap,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.gapAlarm = new cloudwatch.Alarm(this, 'GapAlarm', {
      alarmName: guardAlarmName(props.connectorName, 'offset-commit-gap'),
      alarmDescription: `Debezium connector ${props.connectorName}: no successful offset commit in the worker logs for ${gap.evaluationPeriods} x ${gap.period.toHumanString()}. `
        + `It acts only together with ${guardAlarmName(props.connectorName, 'no-production')} (worker logs can be delayed or lost). Check first: that alarm, then ERROR lines in the worker log group.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(commits, 0)',
        usingMetrics: { commits: this.commits.with({ period: gap.period }) },
        period: gap.period,
        label: 'Offset commits (missing = 0)',
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: gap.evaluationPeriods,
      datapointsToAlarm: gap.datapointsToAlarm,
      treatMissingData: gap.treatMissingData,
    });
  }
}
