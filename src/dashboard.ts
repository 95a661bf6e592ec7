import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RECOVERY_METRIC, RECOVERY_METRICS_NAMESPACE, RECOVERY_SERVICE_NAME } from './recovery/constants';

export interface GuardWidgetsProps {
  readonly connectorName: string;
  readonly alarms: cloudwatch.IAlarm[];
  readonly offsetCommits: cloudwatch.Metric;
  readonly erroredTasks: cloudwatch.Metric;
  readonly runningTasks: cloudwatch.Metric;
  /** `SourceRecordPollRate`, `SourceRecordWriteRate` (AWS/KafkaConnect). */
  readonly pollRate?: cloudwatch.Metric;
  readonly writeRate?: cloudwatch.Metric;
  readonly connectedMetric?: cloudwatch.IMetric;
  readonly lagMetric?: cloudwatch.IMetric;
}

/** Powertools adds a `service` dimension to every metric it emits. */
const SERVICE_DIMENSION = { service: RECOVERY_SERVICE_NAME };

/** Widgets of one guard: alarm states, the signals, and what the recovery function did. */
export function guardWidgets(props: GuardWidgetsProps): cloudwatch.IWidget[] {
  const recovery = (metricName: string, label: string, extra: Record<string, string> = {}) => new cloudwatch.Metric({
    namespace: RECOVERY_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { ...SERVICE_DIMENSION, ConnectorName: props.connectorName, ...extra },
    statistic: cloudwatch.Stats.SUM,
    label,
  });
  const widgets: cloudwatch.IWidget[] = [
    new cloudwatch.AlarmStatusWidget({ title: `${props.connectorName}: guard alarms`, alarms: props.alarms, width: 24 }),
    new cloudwatch.GraphWidget({ title: 'Offset commits (worker logs)', left: [props.offsetCommits], width: 12 }),
    new cloudwatch.GraphWidget({ title: 'Tasks (AWS/KafkaConnect)', left: [props.runningTasks, props.erroredTasks], width: 12 }),
  ];
  const records = [props.pollRate, props.writeRate].filter((m): m is cloudwatch.Metric => m !== undefined);
  if (records.length > 0) {
    widgets.push(new cloudwatch.GraphWidget({ title: 'Records (AWS/KafkaConnect)', left: records, width: 12 }));
  }
  const debezium = [props.connectedMetric].filter((m): m is cloudwatch.IMetric => m !== undefined);
  if (debezium.length > 0 || props.lagMetric) {
    widgets.push(new cloudwatch.GraphWidget({
      title: 'Debezium',
      left: debezium,
      right: props.lagMetric ? [props.lagMetric] : [],
      width: 12,
    }));
  }
  widgets.push(new cloudwatch.GraphWidget({
    title: 'Recoveries',
    left: [
      recovery(RECOVERY_METRIC.STEP_STARTED, 'Restarts', { Step: 'restart' }),
      recovery(RECOVERY_METRIC.STEP_STARTED, 'Recreates', { Step: 'recreate' }),
      recovery(RECOVERY_METRIC.RECOVERED, 'Recovered'),
      recovery(RECOVERY_METRIC.ESCALATED, 'Escalated'),
    ],
    right: [recovery(RECOVERY_METRIC.TIME_TO_RECOVER, 'Time to recover (s)').with({ statistic: cloudwatch.Stats.MAXIMUM })],
    width: 12,
  }));
  return widgets;
}
