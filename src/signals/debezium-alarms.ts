import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { AlarmTuning } from '../props';
import { DEFAULT_EVALUATION_PERIODS, resolveTuning } from './alarm-options';
import { guardAlarmName } from './alarm-text';

/**
 * The caller's metric with the tuning's period applied. A plain `IMetric` has no `with()`, so a
 * period can only be applied to a `Metric` or `MathExpression`; otherwise the metric's own period counts.
 */
function withPeriod(metric: cloudwatch.IMetric, tuning: AlarmTuning | undefined): cloudwatch.IMetric {
  if (tuning?.period && (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression)) {
    return metric.with({ period: tuning.period });
  }
  return metric;
}

/** Alarm on Debezium's `Connected` metric: below 1 means the connector lost its source database. */
export function connectedAlarm(scope: Construct, connectorName: string, metric: cloudwatch.IMetric, tuning?: AlarmTuning): cloudwatch.Alarm {
  const t = resolveTuning(tuning, {
    evaluationPeriods: DEFAULT_EVALUATION_PERIODS.connected,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  return new cloudwatch.Alarm(scope, 'ConnectedAlarm', {
    alarmName: guardAlarmName(connectorName, 'connected'),
    alarmDescription: `Debezium connector ${connectorName}: not connected to the source database (Connected < 1). `
      + 'Check first: the network path from MSK Connect to the database (NAT gateway or firewall idle timeouts, security groups), then the database credentials.',
    metric: withPeriod(metric, tuning),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    evaluationPeriods: t.evaluationPeriods,
    datapointsToAlarm: t.datapointsToAlarm,
    treatMissingData: t.treatMissingData,
  });
}

/** Alarm on Debezium's lag (milliseconds behind the source). */
export function lagAlarm(
  scope: Construct, connectorName: string, metric: cloudwatch.IMetric, thresholdMs: number, tuning?: AlarmTuning,
): cloudwatch.Alarm {
  const t = resolveTuning(tuning, {
    evaluationPeriods: DEFAULT_EVALUATION_PERIODS.lag,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return new cloudwatch.Alarm(scope, 'LagAlarm', {
    alarmName: guardAlarmName(connectorName, 'lag'),
    alarmDescription: `Debezium connector ${connectorName}: lag above ${thresholdMs} ms. `
      + 'Check first: write load on the source database, then the task throughput (AWS/KafkaConnect SourceRecordPollRate, SourceRecordWriteRate).',
    metric: withPeriod(metric, tuning),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: thresholdMs,
    evaluationPeriods: t.evaluationPeriods,
    datapointsToAlarm: t.datapointsToAlarm,
    treatMissingData: t.treatMissingData,
  });
}
