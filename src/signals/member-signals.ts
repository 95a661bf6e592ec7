import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { guardAlarmName } from './alarm-text';
import { kafkaConnectMetric } from './native-metric';
import { signalAlarm } from './signal-alarm';
import type { GuardSettings } from '../guard-settings';
import { MEMBER_SIGNAL } from '../recovery/constants';

/**
 * A fleet member's two trigger alarms. A single guard combines five signal alarms in a composite
 * alarm (0.50 USD a month); a member folds them into two metric-math alarms, which its fleet's
 * function reads instead, so that a member costs at most 1.00 USD a month and 4 resources.
 */
export interface MemberSignals {
  readonly pollRate: cloudwatch.Metric;
  readonly writeRate: cloudwatch.Metric;
  readonly erroredTasks: cloudwatch.Metric;
  readonly runningTasks: cloudwatch.Metric;
  /**
   * Fires when, in each of the no-production alarm's periods (2 of 2 one-minute periods by default),
   * no offset commit was logged and no record was polled or written: a stall confirmed by the worker
   * logs and by the native metrics in one alarm. It carries the member's registration tags.
   */
  readonly stallAlarm: cloudwatch.Alarm;
  /**
   * Fires when, in the crash-loop alarm's periods (2 of 5 one-minute periods by default), a task was
   * in error or fewer tasks than expected were running.
   */
  readonly taskAlarm: cloudwatch.Alarm;
}

/** The stall and task alarms of a fleet's member, over the offset commits its metric filter counts. */
export function memberSignals(scope: Construct, connectorName: string, settings: GuardSettings, commits: cloudwatch.Metric): MemberSignals {
  const stall = settings.noProductionAlarm;
  const loop = settings.crashLoopAlarm;
  const expected = settings.expectedRunningTasks;
  const pollRate = kafkaConnectMetric(connectorName, 'SourceRecordPollRate', cloudwatch.Stats.MAXIMUM, stall.period, 'Records polled per second');
  const writeRate = kafkaConnectMetric(connectorName, 'SourceRecordWriteRate', cloudwatch.Stats.MAXIMUM, stall.period, 'Records written per second');
  const erroredTasks = kafkaConnectMetric(connectorName, 'ErroredTaskCount', cloudwatch.Stats.MAXIMUM, loop.period, 'Errored tasks');
  const runningTasks = kafkaConnectMetric(connectorName, 'RunningTaskCount', cloudwatch.Stats.MINIMUM, loop.period, 'Running tasks');
  const stallAlarm = signalAlarm(scope, 'StallAlarm', {
    connectorName,
    signal: MEMBER_SIGNAL.STALL,
    description: `no successful offset commit in the worker logs and no record polled or written (AWS/KafkaConnect SourceRecordPollRate, SourceRecordWriteRate) in ${stall.datapointsToAlarm} of ${stall.evaluationPeriods} x ${stall.period.toHumanString()}. `
      + 'Check first: the connection to the source database and its binlog/WAL position; a database with no writes needs Debezium heartbeats (heartbeat.interval.ms at most 60000).',
    // Every term is at least 0, so the sum is 0 only when all three are: no commit, no poll, no write.
    metric: new cloudwatch.MathExpression({
      expression: 'FILL(commits, 0) + FILL(polled, 0) + FILL(written, 0)',
      usingMetrics: { commits: commits.with({ period: stall.period }), polled: pollRate, written: writeRate },
      period: stall.period,
      label: 'Offset commits + records polled + written per second (missing = 0)',
    }),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 0,
    tuning: stall,
  });
  const taskAlarm = signalAlarm(scope, 'TaskAlarm', {
    connectorName,
    signal: MEMBER_SIGNAL.TASKS,
    description: `a task was in error (AWS/KafkaConnect ErroredTaskCount > 0) or fewer than ${expected} task(s) were running (RunningTaskCount) in ${loop.datapointsToAlarm} of the last ${loop.evaluationPeriods} x ${loop.period.toHumanString()}. `
      + `Check first: every "Task threw an uncaught and unrecoverable exception" in the worker log group, then the connector state in the MSK Connect console; ${guardAlarmName(connectorName, MEMBER_SIGNAL.STALL)} tells whether it still produces.`,
    // A missing count is no evidence either way: no error, the expected tasks (not breaching, as a single guard's task alarms treat it).
    metric: new cloudwatch.MathExpression({
      expression: `IF(FILL(errored, 0) > 0 OR FILL(running, ${expected}) < ${expected}, 1, 0)`,
      usingMetrics: { errored: erroredTasks, running: runningTasks },
      period: loop.period,
      label: 'Task in error or too few running (1 = yes)',
    }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    tuning: loop,
  });
  return { pollRate, writeRate, erroredTasks, runningTasks, stallAlarm, taskAlarm };
}
