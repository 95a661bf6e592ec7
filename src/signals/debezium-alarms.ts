import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { signalAlarm } from './signal-alarm';
import type { GuardSettings, SettledTuning } from '../guard-settings';

/**
 * The caller's metric with the tuning's period applied. A plain `IMetric` has no `with()`, so a
 * period can only be applied to a `Metric` or `MathExpression`; otherwise the metric's own period counts.
 */
function withPeriod(metric: cloudwatch.IMetric, tuning: SettledTuning): cloudwatch.IMetric {
  if (tuning.period && (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression)) {
    return metric.with({ period: tuning.period });
  }
  return metric;
}

/** Alarm on Debezium's `Connected` metric: below 1 means the connector lost its source database. */
export function connectedSignal(scope: Construct, connectorName: string, settings: GuardSettings, metric: cloudwatch.IMetric): cloudwatch.Alarm {
  return signalAlarm(scope, 'ConnectedAlarm', {
    connectorName,
    signal: 'connected',
    description: 'not connected to the source database (Connected < 1). '
      + 'Check first: the network path from MSK Connect to the database (NAT gateway or firewall idle timeouts, security groups), then the database credentials.',
    metric: withPeriod(metric, settings.connectedAlarm),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    tuning: settings.connectedAlarm,
  });
}

/** Alarm on Debezium's lag (milliseconds behind the source) above `lagThreshold`. */
export function lagSignal(scope: Construct, connectorName: string, settings: GuardSettings, metric: cloudwatch.IMetric): cloudwatch.Alarm {
  const thresholdMs = settings.lagThreshold.toMilliseconds();
  return signalAlarm(scope, 'LagAlarm', {
    connectorName,
    signal: 'lag',
    description: `lag above ${thresholdMs} ms. `
      + 'Check first: write load on the source database, then the task throughput (AWS/KafkaConnect SourceRecordPollRate, SourceRecordWriteRate).',
    metric: withPeriod(metric, settings.lagAlarm),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: thresholdMs,
    tuning: settings.lagAlarm,
  });
}
