import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AlarmTuning } from '../props';
import { DEFAULT_CRASH_LOOP_DATAPOINTS, DEFAULT_EVALUATION_PERIODS, resolveTuning } from './alarm-options';
import { CRASH_LOOP_SIGNAL, ERRORED_TASKS_SIGNAL, guardAlarmName } from './alarm-text';
import { kafkaConnectMetric } from './native-metric';

export interface TaskHealthSignalProps {
  readonly connectorName: string;
  readonly expectedRunningTasks: number;
  readonly tuning?: AlarmTuning;
  /** Tuning of the crash-loop alarm. */
  readonly crashLoopTuning?: AlarmTuning;
}

/**
 * Alarms on MSK Connect's native task metrics (`AWS/KafkaConnect`, dimension `ConnectorName`,
 * which survives a recreate). Missing data is not breaching by default: a connector being
 * re-created reports nothing for a while, and silence is the offset-commit alarm's job.
 */
export class TaskHealthSignal extends Construct {
  public readonly erroredTasks: cloudwatch.Metric;
  public readonly runningTasks: cloudwatch.Metric;
  public readonly erroredTasksAlarm: cloudwatch.Alarm;
  public readonly runningTasksAlarm: cloudwatch.Alarm;
  /**
   * Fires when a task was in error in several of the last periods (2 of 5 one-minute periods by
   * default): a crash loop whose every failure is shorter than the errored-tasks alarm's window, or a
   * task that stays failed. It clears within the window once the tasks stay up.
   */
  public readonly crashLoopAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TaskHealthSignalProps) {
    super(scope, id);
    const tuning = resolveTuning(props.tuning, {
      evaluationPeriods: DEFAULT_EVALUATION_PERIODS.taskHealth,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const metric = (metricName: string, statistic: string, label: string) =>
      kafkaConnectMetric(props.connectorName, metricName, statistic, tuning.period, label);
    this.erroredTasks = metric('ErroredTaskCount', cloudwatch.Stats.MAXIMUM, 'Errored tasks');
    this.runningTasks = metric('RunningTaskCount', cloudwatch.Stats.MINIMUM, 'Running tasks');
    const common = {
      evaluationPeriods: tuning.evaluationPeriods,
      datapointsToAlarm: tuning.datapointsToAlarm,
      treatMissingData: tuning.treatMissingData,
    };
    this.erroredTasksAlarm = new cloudwatch.Alarm(this, 'ErroredTasksAlarm', {
      ...common,
      alarmName: guardAlarmName(props.connectorName, ERRORED_TASKS_SIGNAL),
      alarmDescription: `Debezium connector ${props.connectorName}: at least one task is in error (AWS/KafkaConnect ErroredTaskCount > 0). `
        + 'Check first: the worker log group for "Task threw an uncaught and unrecoverable exception" and the stack trace after it.',
      metric: this.erroredTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
    });
    this.runningTasksAlarm = new cloudwatch.Alarm(this, 'RunningTasksAlarm', {
      ...common,
      alarmName: guardAlarmName(props.connectorName, 'running-tasks'),
      alarmDescription: `Debezium connector ${props.connectorName}: fewer than ${props.expectedRunningTasks} running task(s) (AWS/KafkaConnect RunningTaskCount). `
        + 'Check first: the connector state and worker count in the MSK Connect console (DescribeConnector), then the worker log group.',
      metric: this.runningTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: props.expectedRunningTasks,
    });
    const loop = resolveTuning(props.crashLoopTuning, {
      evaluationPeriods: DEFAULT_EVALUATION_PERIODS.crashLoop,
      datapointsToAlarm: DEFAULT_CRASH_LOOP_DATAPOINTS,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.crashLoopAlarm = new cloudwatch.Alarm(this, 'CrashLoopAlarm', {
      alarmName: guardAlarmName(props.connectorName, CRASH_LOOP_SIGNAL),
      alarmDescription: `Debezium connector ${props.connectorName}: a task was in error (AWS/KafkaConnect ErroredTaskCount > 0) in ${loop.datapointsToAlarm} of the last ${loop.evaluationPeriods} x ${loop.period.toHumanString()}: `
        + 'it keeps failing and coming back, or stays failed. Check first: every "Task threw an uncaught and unrecoverable exception" in the worker log group, not only the last one.',
      metric: this.erroredTasks.with({ period: loop.period }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
      evaluationPeriods: loop.evaluationPeriods,
      datapointsToAlarm: loop.datapointsToAlarm,
      treatMissingData: loop.treatMissingData,
    });
  }
}
