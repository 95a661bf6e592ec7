import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CRASH_LOOP_SIGNAL, ERRORED_TASKS_SIGNAL } from './alarm-text';
import { kafkaConnectMetric } from './native-metric';
import { signalAlarm } from './signal-alarm';
import type { GuardSettings } from '../guard-settings';

/** The connector's tasks, by MSK Connect's native metrics. */
export interface TaskHealthSignal {
  readonly erroredTasks: cloudwatch.Metric;
  readonly runningTasks: cloudwatch.Metric;
  readonly erroredTasksAlarm: cloudwatch.Alarm;
  readonly runningTasksAlarm: cloudwatch.Alarm;
  /**
   * Fires when a task was in error in several of the last periods (2 of 5 one-minute periods by
   * default): a crash loop whose every failure is shorter than the errored-tasks alarm's window, or a
   * task that stays failed. It clears within the window once the tasks stay up.
   */
  readonly crashLoopAlarm: cloudwatch.Alarm;
}

/**
 * Alarms on MSK Connect's native task metrics (`AWS/KafkaConnect`, dimension `ConnectorName`,
 * which survives a recreate). Missing data is not breaching by default: a connector being
 * re-created reports nothing for a while, and silence is the offset-commit alarm's job.
 */
export function taskHealthSignal(scope: Construct, connectorName: string, settings: GuardSettings): TaskHealthSignal {
  const signal = new Construct(scope, 'TaskHealth');
  const tuning = settings.taskHealthAlarm;
  const loop = settings.crashLoopAlarm;
  const expected = settings.expectedRunningTasks;
  const metric = (metricName: string, statistic: string, label: string) =>
    kafkaConnectMetric(connectorName, metricName, statistic, tuning.period, label);
  const erroredTasks = metric('ErroredTaskCount', cloudwatch.Stats.MAXIMUM, 'Errored tasks');
  const runningTasks = metric('RunningTaskCount', cloudwatch.Stats.MINIMUM, 'Running tasks');
  const erroredTasksAlarm = signalAlarm(signal, 'ErroredTasksAlarm', {
    connectorName,
    signal: ERRORED_TASKS_SIGNAL,
    description: 'at least one task is in error (AWS/KafkaConnect ErroredTaskCount > 0). '
      + 'Check first: the worker log group for "Task threw an uncaught and unrecoverable exception" and the stack trace after it.',
    metric: erroredTasks,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    tuning,
  });
  const runningTasksAlarm = signalAlarm(signal, 'RunningTasksAlarm', {
    connectorName,
    signal: 'running-tasks',
    description: `fewer than ${expected} running task(s) (AWS/KafkaConnect RunningTaskCount). `
      + 'Check first: the connector state and worker count in the MSK Connect console (DescribeConnector), then the worker log group.',
    metric: runningTasks,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: expected,
    tuning,
  });
  const crashLoopAlarm = signalAlarm(signal, 'CrashLoopAlarm', {
    connectorName,
    signal: CRASH_LOOP_SIGNAL,
    description: `a task was in error (AWS/KafkaConnect ErroredTaskCount > 0) in ${loop.datapointsToAlarm} of the last ${loop.evaluationPeriods} x ${loop.period.toHumanString()}: `
      + 'it keeps failing and coming back, or stays failed. Check first: every "Task threw an uncaught and unrecoverable exception" in the worker log group, not only the last one.',
    metric: erroredTasks.with({ period: loop.period }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    tuning: loop,
  });
  return { erroredTasks, runningTasks, erroredTasksAlarm, runningTasksAlarm, crashLoopAlarm };
}
