import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { DebeziumGuardFleet } from './fleet/fleet';
import type { KafkaConnectVersion } from './kafka-connect-version';

/**
 * How the guard recovers a connector whose composite alarm fires.
 */
export enum RecoveryStrategy {
  /**
   * Restart the connector in place (`RestartConnector`: keeps configuration, offsets and ARN); if
   * the restart fails or the alarm does not clear, delete and re-create it from the stored request,
   * only when that is proven to resume from committed offsets.
   */
  RESTART_THEN_RECREATE = 'RESTART_THEN_RECREATE',
  /** Restart in place only; never delete. A FAILED connector (which cannot be restarted) is escalated. */
  RESTART_ONLY = 'RESTART_ONLY',
  /** Delete the connector and create it again from the stored request at once, without trying a restart first; the same safety checks apply. */
  RECREATE = 'RECREATE',
  /** Detect and notify only; never act. Use it for a first rollout. */
  NOTIFY_ONLY = 'NOTIFY_ONLY',
}

/**
 * Tuning of one CloudWatch alarm.
 */
export interface AlarmTuning {
  /**
   * The period over which the metric is evaluated.
   * @default - 1 minute for the offset-commit, offset-commit-gap, no-production, task-health and crash-loop alarms; the metric's own period for `connectedMetric` and `lagMetric`
   */
  readonly period?: Duration;
  /**
   * The number of periods over which data is compared to the threshold.
   * @default - derived from `offsetCommitWindow` for the offset-commit alarm (5 with the defaults); 1 for the offset-commit gap, 2 for no-production, 3 for task health, 5 for crash loop, 2 for `Connected`, 5 for lag
   */
  readonly evaluationPeriods?: number;
  /**
   * The number of breaching datapoints within the evaluation periods that trigger the alarm.
   * @default - `evaluationPeriods`; 2 for the crash-loop alarm
   */
  readonly datapointsToAlarm?: number;
  /**
   * How missing data is treated.
   * @default - BREACHING for the offset-commit, offset-commit-gap, no-production and Connected alarms (silence is the failure), NOT_BREACHING for the others
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * How a guard, or a fleet of guards (`DebeziumGuardFleet`), paces its recoveries and whom it tells.
 */
export interface DebeziumGuardRecoveryOptions {
  // --- Recovery pacing ---

  /**
   * Minimum time between two recovery attempts (the Strimzi backoff schedule applies above it).
   * @default Duration.minutes(5)
   */
  readonly recoveryCooldown?: Duration;

  /**
   * Recovery attempts allowed within `recoveryBudgetWindow` before the guard stops and escalates.
   * @default 3
   */
  readonly recoveryBudget?: number;

  /**
   * Window of the recovery budget.
   * @default Duration.hours(6)
   */
  readonly recoveryBudgetWindow?: Duration;

  /**
   * How long a restart, delete or create may run before the guard reports it as slow (a restart
   * is then treated as failed).
   * @default Duration.minutes(30)
   */
  readonly operationTimeout?: Duration;

  /**
   * Runtime of the recovery function.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly recoveryFunctionRuntime?: lambda.Runtime;

  /**
   * Retention of the recovery function's log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly recoveryLogRetention?: logs.RetentionDays;

  // --- Notifications ---

  /**
   * Topic for alarm and recovery notifications.
   *
   * When it is encrypted (`masterKey`), the guard lets CloudWatch alarms of the stack's account use
   * the key, as for `topicEncryptionKey`.
   *
   * @default - a new topic (SSL enforced, encrypted with `topicEncryptionKey` when given)
   */
  readonly topic?: sns.ITopic;

  /**
   * KMS key for the created topic.
   *
   * CloudWatch publishes alarm notifications itself: the guard adds to the key policy a statement that
   * lets `cloudwatch.amazonaws.com` use the key (`kms:Decrypt`, `kms:GenerateDataKey*`) for alarms of
   * the stack's account and Region only (`aws:SourceAccount`, `aws:SourceArn`). An imported key's policy
   * cannot be changed: the guard then warns at synth time (`cdk-debezium-guard:TopicKeyPolicyNotUpdated`)
   * with the statement to add yourself; without it alarm notifications are lost without an error.
   *
   * @default - the topic is not KMS-encrypted (setting it together with `topic` is a synth error)
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * E-mail addresses subscribed to the topic.
   * @default - no subscriptions
   */
  readonly alertEmails?: string[];
}

/**
 * Options every guard takes, however its connector is given: signals, recovery pacing,
 * notifications, preventive restart and dashboard.
 */
export interface DebeziumGuardOptions extends DebeziumGuardRecoveryOptions {
  // --- Offset-commit signal ---

  /** Log group the connector's worker logs are delivered to. */
  readonly workerLogGroup: logs.ILogGroup;

  /**
   * Kafka Connect version of the connector; it chooses the offset-commit log line that is counted.
   * @default KafkaConnectVersion.V3_7_X
   */
  readonly kafkaConnectVersion?: KafkaConnectVersion;

  /**
   * A custom filter pattern for successful offset commits, instead of the version's pattern.
   * @default - the pattern of `kafkaConnectVersion`
   */
  readonly offsetCommitPattern?: logs.IFilterPattern;

  /**
   * How long without a successful offset commit the offset-commit alarm fires.
   *
   * Alone it never triggers recovery (worker log delivery is lossy): while the native metrics show
   * production it is reported as a log-delivery gap (`logDeliveryAlarm`). A stall is confirmed by
   * the offset-commit gap and no-production alarms together. Idle databases commit nothing: enable
   * Debezium heartbeats (`heartbeat.interval.ms` 30000 or less).
   * @default Duration.minutes(5)
   */
  readonly offsetCommitWindow?: Duration;

  /**
   * The connector's `offset.flush.interval.ms`: how often Kafka Connect commits offsets.
   *
   * Used only to warn (`cdk-debezium-guard:ShortOffsetCommitWindow`) when the offset-commit
   * window is shorter than 3 flush intervals, where a healthy connector can miss a whole window.
   * @default Duration.seconds(60) (Kafka Connect's default)
   */
  readonly offsetFlushInterval?: Duration;

  /**
   * Tuning of the offset-commit alarm (its evaluation periods default to `offsetCommitWindow / period`).
   * @default - 1-minute periods over `offsetCommitWindow`, all breaching, missing data breaching
   */
  readonly offsetCommitAlarm?: AlarmTuning;

  /**
   * Tuning of the offset-commit gap alarm: no commit logged for a short gap. It never acts alone:
   * only together with the no-production alarm (logs can be delayed or dropped), whose window
   * guards against short blips; this one only has to agree.
   * @default - one 1-minute period, missing data breaching (read as 0)
   */
  readonly offsetCommitGapAlarm?: AlarmTuning;

  // --- Native production signal ---

  /**
   * Tuning of the no-production alarm: `AWS/KafkaConnect` `SourceRecordPollRate` and
   * `SourceRecordWriteRate` both 0. With the offset-commit gap alarm it confirms a stall; while it
   * is OK, a silent worker log is reported as a log-delivery gap, never acted on. Keep Debezium's
   * `heartbeat.interval.ms` at half a period or less (30000 with 1-minute periods) so that every
   * 1-minute rate sample of an idle connector stays above 0.
   * @default - 1-minute periods, 2 of 2, missing data breaching (read as 0)
   */
  readonly noProductionAlarm?: AlarmTuning;

  // --- Native task-health signal ---

  /**
   * Number of tasks that must be running (`AWS/KafkaConnect` `RunningTaskCount`).
   * @default 1
   */
  readonly expectedRunningTasks?: number;

  /**
   * Tuning of the task-health alarms (`ErroredTaskCount` > 0, `RunningTaskCount` below expected).
   * @default - 1-minute periods, 3 of 3, missing data not breaching
   */
  readonly taskHealthAlarm?: AlarmTuning;

  /**
   * Tuning of the crash-loop alarm (`ErroredTaskCount` > 0 in several recent periods): task failures
   * that each end before the task-health alarms' window. Keep its window short enough to clear
   * within `recoveryVerificationPeriod` after a successful restart.
   * @default - 1-minute periods, 2 of 5, missing data not breaching
   */
  readonly crashLoopAlarm?: AlarmTuning;

  // --- Optional Debezium signals ---

  /**
   * Debezium's `Connected` metric (1 when connected to the source database), as published by
   * your JMX exporter. MSK Connect does not export it by itself.
   * @default - no Connected alarm
   */
  readonly connectedMetric?: cloudwatch.IMetric;

  /**
   * Tuning of the Connected alarm (fires when the metric is below 1). Its `period` replaces the
   * metric's own (a `Metric` defaults to 5 minutes; 1 minute detects faster).
   * @default - the metric's own period, 2 of 2, missing data breaching
   */
  readonly connectedAlarm?: AlarmTuning;

  /**
   * Debezium's lag metric in milliseconds (for example `MilliSecondsBehindSource`).
   * It reads 0 on an idle database, so it complements the offset-commit signal, never replaces it.
   * @default - no lag alarm
   */
  readonly lagMetric?: cloudwatch.IMetric;

  /**
   * Lag above which the lag alarm fires.
   * @default Duration.minutes(5)
   */
  readonly lagThreshold?: Duration;

  /**
   * Tuning of the lag alarm. Its `period` replaces the metric's own.
   * @default - the metric's own period, 5 of 5, missing data not breaching
   */
  readonly lagAlarm?: AlarmTuning;

  // --- Recovery pacing ---

  /**
   * How long the composite alarm may take to clear after a restart or recreate finished.
   * @default - the longest a trigger alarm takes to clear (N - M + 1 periods for M of N, at least two periods) plus 3 minutes (7 minutes with the defaults)
   */
  readonly recoveryVerificationPeriod?: Duration;

  // --- Preventive restart ---

  /**
   * Schedule of a preventive restart (for example `events.Schedule.cron({ hour: '2', minute: '0' })`).
   * It runs the same recovery function with the same safety rules, and only restarts in place; the
   * function accepts at most one scheduled restart per the schedule's shortest interval, and counts
   * each against the recovery budget. Without a schedule it accepts none.
   * @default - no schedule
   */
  readonly preventiveRestartSchedule?: events.Schedule;

  /**
   * Whether the preventive restart schedule is enabled.
   * @default false - the rule is created disabled, ready to be switched on
   */
  readonly preventiveRestartEnabled?: boolean;

  // --- Dashboard ---

  /**
   * Create a CloudWatch dashboard of the signals, alarm states and recoveries.
   * @default false
   */
  readonly createDashboard?: boolean;

  /**
   * Name of the dashboard (only with `createDashboard: true`; a synth error otherwise).
   * @default - generated by CloudFormation
   */
  readonly dashboardName?: string;
}

/**
 * Properties of a `DebeziumSilentFailureGuard`.
 */
export interface DebeziumSilentFailureGuardProps extends DebeziumGuardOptions {
  // --- Identity ---

  /**
   * ARN of the guarded MSK Connect connector. It may be a token (a parameter or an attribute).
   *
   * Only the connector name is taken from it: the recovery function finds the connector by exact
   * name on every run, because a re-created connector gets a new ARN.
   */
  readonly connectorArn: string;

  /**
   * Name of the guarded connector.
   * @default - taken from `connectorArn`; required when `connectorArn` is a token
   */
  readonly connectorName?: string;

  // --- Stored CreateConnector request ---

  /**
   * Bucket holding the connector's CreateConnector request as JSON (read only, before any delete).
   *
   * The guard reads it only while the bucket's account (the stack's, unless the bucket was imported
   * with another) owns it. Whoever may write the object decides, within the guard's checks, what a
   * recreate creates: let only the deployment pipeline or the connector's owners write it.
   */
  readonly configBucket: s3.IBucket;

  /**
   * Key of the CreateConnector request JSON in `configBucket`, such as `debezium/orders-cdc.json`:
   * relative to the bucket, without a leading `/` and not an `s3://` URL.
   */
  readonly configKey: string;

  /**
   * KMS key that encrypts the stored request, when the bucket uses SSE-KMS.
   * @default - `configBucket.encryptionKey` when the bucket has one, else none
   */
  readonly configEncryptionKey?: kms.IKey;

  /** The connector's service execution role: the only role the recreate may pass to MSK Connect. */
  readonly serviceExecutionRole: iam.IRole;

  // --- Recovery ---

  /**
   * How the guard recovers the connector.
   * @default RecoveryStrategy.RESTART_THEN_RECREATE
   */
  readonly recoveryStrategy?: RecoveryStrategy;

  /**
   * Allow a recreate that does not resume from committed offsets (the stored request names no
   * worker configuration setting `offset.storage.topic`). Debezium then re-snapshots, or with
   * `snapshot.mode=never` skips every change made in between.
   * @default false
   */
  readonly allowOffsetReset?: boolean;

  // --- Fleet ---

  /**
   * The fleet that recovers this connector, together with the fleet's other connectors.
   *
   * The guard then creates only what is its connector's: its metric filter and three alarms, no
   * composite alarm. The stall alarm (no offset commit and no record polled or written, tuned by
   * `noProductionAlarm`) and the task alarm (a task in error or too few running, tuned by
   * `crashLoopAlarm`) trigger recovery; the offset-commit alarm tells a log-delivery gap. The stall
   * alarm's tags register the connector with the fleet. The fleet's function, table, tick and topic do
   * the rest, with the fleet's recovery settings: the recovery, notification and preventive restart
   * props are then set on the fleet, not here, and `offsetCommitGapAlarm` and `taskHealthAlarm` do
   * not apply.
   * @default - the guard has its own recovery function, table, tick and topic
   */
  readonly fleet?: DebeziumGuardFleet;
}

/**
 * Properties of a guard for a connector that CloudFormation manages, built with
 * `DebeziumSilentFailureGuard.fromCfnConnector()`.
 *
 * The connector's name and ARN come from the `CfnConnector`. Such a guard only restarts the
 * connector in place (or only notifies): it never deletes and re-creates it, so it needs no stored
 * CreateConnector request and no role to pass.
 */
export interface DebeziumGuardCfnConnectorProps extends DebeziumGuardOptions {
  /**
   * How the guard recovers the connector: `RESTART_ONLY` or `NOTIFY_ONLY`.
   *
   * A strategy that re-creates (`RESTART_THEN_RECREATE`, `RECREATE`) is a synth error: a connector
   * re-created behind CloudFormation's back gets a new ARN, and its stack loses track of it.
   * @default RecoveryStrategy.RESTART_ONLY
   */
  readonly recoveryStrategy?: RecoveryStrategy;
}
