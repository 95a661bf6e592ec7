import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AlarmTuning } from '../props';
import { DEFAULT_EVALUATION_PERIODS, resolveTuning } from './alarm-options';
import { guardAlarmName } from './alarm-text';
import { kafkaConnectMetric } from './native-metric';

export interface NoProductionSignalProps {
  readonly connectorName: string;
  readonly tuning?: AlarmTuning;
}

/**
 * Alarms when MSK Connect's native metrics (`AWS/KafkaConnect`, dimension `ConnectorName`) show
 * no record polled from the source and none written to Kafka for the whole window. These metrics
 * do not depend on worker-log delivery, so they corroborate (or refute) a silence in the logs.
 * Debezium heartbeats are records too: a healthy idle connector with heartbeats keeps them above 0.
 * Missing data counts as 0 (`FILL`): a connector that publishes nothing produces nothing.
 */
export class NoProductionSignal extends Construct {
  /** Records polled from the source per second (`SourceRecordPollRate`, Maximum). */
  public readonly pollRate: cloudwatch.Metric;
  /** Records written to Kafka per second (`SourceRecordWriteRate`, Maximum). */
  public readonly writeRate: cloudwatch.Metric;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NoProductionSignalProps) {
    super(scope, id);
    const tuning = resolveTuning(props.tuning, {
      evaluationPeriods: DEFAULT_EVALUATION_PERIODS.noProduction,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const metric = (metricName: string, label: string) =>
      kafkaConnectMetric(props.connectorName, metricName, cloudwatch.Stats.MAXIMUM, tuning.period, label);
    this.pollRate = metric('SourceRecordPollRate', 'Records polled per second');
    this.writeRate = metric('SourceRecordWriteRate', 'Records written per second');
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: guardAlarmName(props.connectorName, 'no-production'),
      alarmDescription: `Debezium connector ${props.connectorName}: no record polled or written (AWS/KafkaConnect SourceRecordPollRate and SourceRecordWriteRate) for ${tuning.evaluationPeriods} x ${tuning.period.toHumanString()}. `
        + 'Check first: the connection to the source database and its binlog/WAL position; a database with no writes needs Debezium heartbeats (heartbeat.interval.ms at most 60000).',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(polled, 0) + FILL(written, 0)',
        usingMetrics: { polled: this.pollRate, written: this.writeRate },
        period: tuning.period,
        label: 'Records polled + written per second (missing = 0)',
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 0,
      evaluationPeriods: tuning.evaluationPeriods,
      datapointsToAlarm: tuning.datapointsToAlarm,
      treatMissingData: tuning.treatMissingData,
    });
  }
}
