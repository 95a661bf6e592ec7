import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { kafkaConnectMetric } from './native-metric';
import { signalAlarm } from './signal-alarm';
import type { GuardSettings } from '../guard-settings';

/** Whether the connector produces, by MSK Connect's native metrics. */
export interface NoProductionSignal {
  /** Records polled from the source per second (`SourceRecordPollRate`, Maximum). */
  readonly pollRate: cloudwatch.Metric;
  /** Records written to Kafka per second (`SourceRecordWriteRate`, Maximum). */
  readonly writeRate: cloudwatch.Metric;
  readonly alarm: cloudwatch.Alarm;
}

/**
 * Alarms when MSK Connect's native metrics (`AWS/KafkaConnect`, dimension `ConnectorName`) show
 * no record polled from the source and none written to Kafka for the whole window. These metrics
 * do not depend on worker-log delivery, so they corroborate (or refute) a silence in the logs.
 * Debezium heartbeats are records too: a healthy idle connector with heartbeats keeps them above 0.
 * Missing data counts as 0 (`FILL`): a connector that publishes nothing produces nothing.
 */
export function noProductionSignal(scope: Construct, connectorName: string, settings: GuardSettings): NoProductionSignal {
  const signal = new Construct(scope, 'NoProduction');
  const tuning = settings.noProductionAlarm;
  const metric = (metricName: string, label: string) =>
    kafkaConnectMetric(connectorName, metricName, cloudwatch.Stats.MAXIMUM, tuning.period, label);
  const pollRate = metric('SourceRecordPollRate', 'Records polled per second');
  const writeRate = metric('SourceRecordWriteRate', 'Records written per second');
  const alarm = signalAlarm(signal, 'Alarm', {
    connectorName,
    signal: 'no-production',
    description: `no record polled or written (AWS/KafkaConnect SourceRecordPollRate and SourceRecordWriteRate) for ${tuning.evaluationPeriods} x ${tuning.period.toHumanString()}. `
      + 'Check first: the connection to the source database and its binlog/WAL position; a database with no writes needs Debezium heartbeats (heartbeat.interval.ms at most 60000).',
    metric: new cloudwatch.MathExpression({
      expression: 'FILL(polled, 0) + FILL(written, 0)',
      usingMetrics: { polled: pollRate, written: writeRate },
      period: tuning.period,
      label: 'Records polled + written per second (missing = 0)',
    }),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 0,
    tuning,
  });
  return { pollRate, writeRate, alarm };
}
