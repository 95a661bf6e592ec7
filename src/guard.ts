import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertConnectorEnvironment } from './connector-environment';
import { guardWidgets } from './dashboard';
import { settle, type GuardSettings } from './guard-settings';
import type { GuardSpec } from './guard-spec';
import { KafkaConnectVersion } from './kafka-connect-version';
import { notificationTopic } from './notification-topic';
import { claimConnector } from './one-guard-per-connector';
import { DebeziumGuardCfnConnectorProps, DebeziumSilentFailureGuardProps, RecoveryStrategy } from './props';
import { TRIGGER_INPUT } from './recovery/constants';
import type { StoredRequest } from './recovery-function/permissions';
import { RecoveryFunction, type RecoveryPacing } from './recovery-function/recovery-function';
import { recoveryPlane } from './recovery-plane';
import { shortestScheduleInterval } from './schedule-interval';
import { compositeAlarmDescription, guardAlarmName, logDeliveryAlarmDescription } from './signals/alarm-text';
import { connectedSignal, lagSignal } from './signals/debezium-alarms';
import { memberSignals } from './signals/member-signals';
import { offsetCommitSignal, type OffsetCommitSignal } from './signals/offset-commit';
import { noProductionSignal } from './signals/production';
import { taskHealthSignal } from './signals/task-health';
import { validateProps } from './validation';

/** The native metrics a guard graphs, whichever alarms read them. */
interface GuardMetrics {
  readonly pollRate: cloudwatch.Metric;
  readonly writeRate: cloudwatch.Metric;
  readonly erroredTasks: cloudwatch.Metric;
  readonly runningTasks: cloudwatch.Metric;
}

/** The specs `fromCfnConnector` passes to the constructor, with the connector each one guards. */
const CFN_CONNECTORS = new WeakMap<GuardSpec, kafkaconnect.CfnConnector>();

/**
 * Guards one Debezium source connector on Amazon MSK Connect against silent failure: the
 * connector reports RUNNING while it has stopped producing.
 *
 * It watches successful offset commits in the worker logs, the native task metrics and,
 * optionally, Debezium's Connected and lag metrics; one composite alarm over them notifies the
 * topic and triggers a recovery function that restarts the connector in place and, only when
 * that is proven safe, re-creates it from the stored CreateConnector request.
 *
 * @example
 * // with the connector's existing S3 bucket, worker log group and service execution role
 * new DebeziumSilentFailureGuard(this, 'OrdersCdcGuard', {
 *   connectorArn: 'arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3',
 *   configBucket: bucket,
 *   configKey: 'debezium/orders-cdc.json',
 *   workerLogGroup: logGroup,
 *   serviceExecutionRole: connectorRole,
 *   alertEmails: ['oncall@example.com'],
 * });
 */
export class DebeziumSilentFailureGuard extends Construct {
  /**
   * Guards a connector that CloudFormation manages: an `AWS::KafkaConnect::Connector` defined in
   * a CDK app (`CfnConnector`), whose name and ARN the guard takes from it.
   *
   * Such a connector must never be deleted and re-created behind CloudFormation's back (it would
   * get a new ARN, and its stack would lose track of it), so the guard only restarts it in place
   * (`RecoveryStrategy.RESTART_ONLY`, the default) or only notifies (`NOTIFY_ONLY`); it needs no
   * stored CreateConnector request. The guard's resources depend on the connector, so that it
   * starts watching once the connector exists.
   *
   * @param scope the scope of the guard
   * @param id the guard's construct ID
   * @param connector the guarded connector
   * @param props the guard's signals, recovery pacing and notifications
   */
  public static fromCfnConnector(
    scope: Construct, id: string, connector: kafkaconnect.CfnConnector, props: DebeziumGuardCfnConnectorProps,
  ): DebeziumSilentFailureGuard {
    // A factory rather than a `cfnConnector` prop: its props type leaves out what such a guard must
    // not be given (an ARN, a stored request, a role to pass), so Java's builder, Python's keyword
    // arguments and TypeScript's compiler reject them; a prop could only be checked at synth time,
    // and would make connectorArn, configBucket and configKey optional for every other guard.
    const spec: GuardSpec = {
      ...props,
      connectorArn: connector.attrConnectorArn,
      connectorName: connector.connectorName,
      recoveryStrategy: props.recoveryStrategy ?? RecoveryStrategy.RESTART_ONLY,
    };
    CFN_CONNECTORS.set(spec, connector);
    const guard = new DebeziumSilentFailureGuard(scope, id, spec as DebeziumSilentFailureGuardProps);
    guard.node.addDependency(connector);
    return guard;
  }

  /** Name of the guarded connector (a token when the props gave one). */
  public readonly connectorName: string;
  /** The metric filter counting successful offset commits in the worker logs. */
  public readonly offsetCommitMetricFilter: logs.MetricFilter;
  /**
   * Fires when no offset commit was logged for the whole window. It never triggers recovery on its
   * own: with the native metrics showing production it is a log-delivery gap (`logDeliveryAlarm`).
   */
  public readonly offsetCommitAlarm: cloudwatch.Alarm;
  /**
   * Fires when no offset commit was logged for a short gap; with `noProductionAlarm` it confirms a
   * stall. Undefined for a fleet's member (its `stallAlarm` reads both).
   */
  public readonly offsetCommitGapAlarm?: cloudwatch.Alarm;
  /**
   * Fires when `AWS/KafkaConnect` shows no record polled or written; with `offsetCommitGapAlarm` it
   * confirms a stall. Undefined for a fleet's member (its `stallAlarm` reads both).
   */
  public readonly noProductionAlarm?: cloudwatch.Alarm;
  /**
   * Fires when a task keeps failing (errored in several recent periods), each failure too short for
   * `erroredTasksAlarm`. Undefined for a fleet's member (its `taskAlarm` reads the tasks).
   */
  public readonly crashLoopAlarm?: cloudwatch.Alarm;
  /**
   * WARNING, not an incident: the worker logs stopped arriving while the connector is producing
   * (offset-commit alarm in ALARM, no-production alarm not). It notifies the topic; it never
   * triggers recovery. Undefined for a fleet's member: the fleet's digest warns instead.
   */
  public readonly logDeliveryAlarm?: cloudwatch.CompositeAlarm;
  /** Fires when a task is in error (`ErroredTaskCount` > 0). Undefined for a fleet's member. */
  public readonly erroredTasksAlarm?: cloudwatch.Alarm;
  /** Fires when fewer tasks run than expected (`RunningTaskCount`). Undefined for a fleet's member. */
  public readonly runningTasksAlarm?: cloudwatch.Alarm;
  /**
   * A fleet's member only: fires when no offset commit was logged and no record polled or written
   * (2 of 2 one-minute periods by default); it carries the member's registration with its fleet.
   */
  public readonly stallAlarm?: cloudwatch.Alarm;
  /**
   * A fleet's member only: fires when a task was in error or fewer tasks than expected were running
   * (2 of 5 one-minute periods by default).
   */
  public readonly taskAlarm?: cloudwatch.Alarm;
  /** Fires when Debezium's Connected metric is below 1; undefined without `connectedMetric`. */
  public readonly connectedAlarm?: cloudwatch.Alarm;
  /** Fires when the lag is above the threshold; undefined without `lagMetric`. */
  public readonly lagAlarm?: cloudwatch.Alarm;
  /**
   * ALARM when any signal alarm is: the single trigger of notifications and recovery. Undefined for a
   * fleet's member, whose fleet reads its `stallAlarm`, `taskAlarm` and optional alarms instead.
   */
  public readonly compositeAlarm?: cloudwatch.CompositeAlarm;
  /** The topic that receives alarm and recovery notifications. */
  public readonly topic: sns.ITopic;
  /** The recovery function. */
  public readonly recoveryFunction: lambda.Function;
  /** Notifies the topic when the recovery function itself fails (it is not part of the composite alarm). */
  public readonly recoveryErrorsAlarm: cloudwatch.Alarm;
  /** The recovery function's log group. */
  public readonly recoveryLogGroup: logs.ILogGroup;
  /** The recovery function's role. */
  public readonly recoveryRole: iam.IRole;
  /** The recovery record (one item: lease, phase, attempt history). */
  public readonly stateTable: dynamodb.ITable;
  /** Sends the composite alarm's transitions to ALARM to the recovery function; for a fleet's member, the fleet's tick, which finds them. */
  public readonly alarmRule: events.Rule;
  /** Runs the recovery function every minute so that a recovery survives a crash or timeout. */
  public readonly reconcileRule: events.Rule;
  /** The preventive restart rule; undefined without `preventiveRestartSchedule`. */
  public readonly preventiveRestartRule?: events.Rule;
  /** The dashboard; undefined unless `createDashboard`. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly offsets: OffsetCommitSignal;
  /** The native metrics the dashboard graphs. */
  private readonly metrics: GuardMetrics;
  private readonly spec: GuardSpec;
  private readonly settings: GuardSettings;
  private readonly cfnConnector?: kafkaconnect.CfnConnector;

  constructor(scope: Construct, id: string, props: DebeziumSilentFailureGuardProps) {
    super(scope, id);
    // A guard built by fromCfnConnector has no stored request: the props are read as a GuardSpec only.
    const spec: GuardSpec = props;
    const cfnConnector = CFN_CONNECTORS.get(props);
    this.spec = spec;
    this.cfnConnector = cfnConnector;
    const settings = settle(spec);
    this.settings = settings;
    this.connectorName = validateProps(this, spec, settings, cfnConnector !== undefined);
    claimConnector(this, this.connectorName, assertConnectorEnvironment(this, spec.connectorArn));
    // A fleet's member recovers as its fleet does.
    const strategy = spec.fleet?.recoveryStrategy ?? settings.recoveryStrategy;

    // --- Signals ---
    const fleet = spec.fleet;
    const pattern = spec.offsetCommitPattern ?? this.defaultCommitPattern(settings.kafkaConnectVersion);
    this.offsets = offsetCommitSignal(this, this.connectorName, settings, spec.workerLogGroup, pattern, !fleet);
    this.offsetCommitMetricFilter = this.offsets.metricFilter;
    this.offsetCommitAlarm = this.offsets.alarm;
    if (fleet) {
      // A member's two metric-math alarms stand for a single guard's five and its composite alarm.
      const member = memberSignals(this, this.connectorName, settings, this.offsets.commits);
      this.metrics = member;
      this.stallAlarm = member.stallAlarm;
      this.taskAlarm = member.taskAlarm;
    } else {
      this.offsetCommitGapAlarm = this.offsets.gapAlarm;
      const production = noProductionSignal(this, this.connectorName, settings);
      this.noProductionAlarm = production.alarm;
      const tasks = taskHealthSignal(this, this.connectorName, settings);
      this.erroredTasksAlarm = tasks.erroredTasksAlarm;
      this.runningTasksAlarm = tasks.runningTasksAlarm;
      this.crashLoopAlarm = tasks.crashLoopAlarm;
      this.metrics = { ...production, ...tasks };
    }
    if (spec.connectedMetric) {
      this.connectedAlarm = connectedSignal(this, this.connectorName, settings, spec.connectedMetric);
    }
    if (spec.lagMetric) {
      this.lagAlarm = lagSignal(this, this.connectorName, settings, spec.lagMetric);
    }

    // --- Notifications ---
    const { topic, topicKey } = fleet ? { topic: fleet.topic, topicKey: undefined } : notificationTopic(this, spec);
    this.topic = topic;
    const notify = new cwActions.SnsAction(this.topic);
    // A fleet's member is reported in the fleet's digest (one e-mail per run, however many alarm): it
    // has no composite alarm and no log-delivery warning of its own.
    const compositeAlarm = fleet ? undefined : new cloudwatch.CompositeAlarm(this, 'CompositeAlarm', {
      // Named after the connector: unique per account and Region (the one-click template can be
      // deployed once per connector), and a second guard for the same connector fails to deploy.
      compositeAlarmName: guardAlarmName(this.connectorName),
      alarmDescription: compositeAlarmDescription(this.connectorName, strategy),
      alarmRule: this.triggerRule(),
    });
    if (compositeAlarm) {
      this.compositeAlarm = compositeAlarm;
      compositeAlarm.addAlarmAction(notify);
      compositeAlarm.addOkAction(notify);

      // Worker logs silent while the native metrics show production: lossy log delivery, not a
      // stall. A warning to the topic, outside the composite alarm, so it never triggers recovery.
      // After an incident the native metrics clear minutes before the offset-commit window fills with
      // commits again: the warning stays quiet for that long after the composite alarm clears.
      this.logDeliveryAlarm = new cloudwatch.CompositeAlarm(this, 'LogDeliveryAlarm', {
        compositeAlarmName: guardAlarmName(this.connectorName, 'log-delivery'),
        alarmDescription: logDeliveryAlarmDescription(this.connectorName),
        actionsSuppressor: compositeAlarm,
        actionsSuppressorExtensionPeriod: settings.offsetCommitWindow.plus(Duration.minutes(1)),
        alarmRule: cloudwatch.AlarmRule.allOf(
          cloudwatch.AlarmRule.fromAlarm(this.offsetCommitAlarm, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.not(cloudwatch.AlarmRule.fromAlarm(this.noProductionAlarm!, cloudwatch.AlarmState.ALARM)),
        ),
      });
      this.logDeliveryAlarm.addAlarmAction(notify);
      this.logDeliveryAlarm.addOkAction(notify);
    }

    // --- Recovery ---
    if (fleet) {
      // The fleet recovers: its tick finds this connector by its alarms; the stall alarm is tagged with its registration.
      fleet._enrol({
        connectorName: this.connectorName,
        registrationAlarm: this.stallAlarm!,
        alarms: this.signalAlarms(),
        storedRequest: this.storedRequest()!,
        verification: this.recoveryPacing().verification,
      });
      this.stateTable = fleet.stateTable;
      this.recoveryFunction = fleet.recoveryFunction;
      this.recoveryRole = fleet.recoveryRole;
      this.recoveryLogGroup = fleet.recoveryLogGroup;
      this.recoveryErrorsAlarm = fleet.recoveryErrorsAlarm;
      this.alarmRule = fleet.reconcileRule;
      this.reconcileRule = fleet.reconcileRule;
    } else {
      // Without a fleet the guard has its composite alarm.
      const trigger = compositeAlarm!;
      const plane = recoveryPlane(this, (stateTable) => RecoveryFunction.forConnector(this, 'RecoveryFunction', {
        connectorName: this.connectorName,
        strategy,
        runtime: settings.recoveryFunctionRuntime,
        logRetention: settings.recoveryLogRetention,
        alarm: trigger,
        stateTable,
        topic: this.topic,
        topicKey,
        storedRequest: this.storedRequest(),
        pacing: this.recoveryPacing(),
      }), {
        alarmName: guardAlarmName(this.connectorName, 'recovery-errors'),
        alarmDescription: `The recovery function of the Debezium guard for connector ${this.connectorName} is failing, so the guard may not be able to act. `
          + 'Check first: the ERROR lines in the function\'s log group (for example AWS refusing a re-create), then the guard\'s last e-mail.',
      }, notify);
      this.stateTable = plane.stateTable;
      this.recoveryFunction = plane.recoveryFunction;
      this.recoveryRole = plane.recoveryFunction.recoveryRole;
      this.recoveryLogGroup = plane.recoveryFunction.recoveryLogGroup;
      this.recoveryErrorsAlarm = plane.recoveryErrorsAlarm;

      this.alarmRule = new events.Rule(this, 'AlarmRule', {
        description: `Starts the recovery of Debezium connector ${this.connectorName} when its guard alarm fires`,
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: [trigger.alarmArn],
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [new targets.LambdaFunction(this.recoveryFunction, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
      this.reconcileRule = new events.Rule(this, 'ReconcileRule', {
        description: `Continues in-flight recoveries of Debezium connector ${this.connectorName} (idempotent, locked)`,
        schedule: events.Schedule.rate(Duration.minutes(1)),
        targets: [new targets.LambdaFunction(this.recoveryFunction, {
          event: events.RuleTargetInput.fromObject({ trigger: TRIGGER_INPUT.TICK }),
          retryAttempts: 0,
        })],
      });
      if (spec.preventiveRestartSchedule) {
        this.preventiveRestartRule = new events.Rule(this, 'PreventiveRestartRule', {
          description: `Preventive restart of Debezium connector ${this.connectorName}`,
          schedule: spec.preventiveRestartSchedule,
          enabled: spec.preventiveRestartEnabled ?? false,
          targets: [new targets.LambdaFunction(this.recoveryFunction, {
            event: events.RuleTargetInput.fromObject({ trigger: TRIGGER_INPUT.SCHEDULED_RESTART }),
            retryAttempts: 2,
          })],
        });
      }
    }

    this.dashboard = spec.createDashboard ? new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: spec.dashboardName,
      widgets: this.dashboardWidgets().map((w) => [w]),
    }) : undefined;
  }

  /**
   * The guard's dashboard widgets (alarm states, signals, recoveries), for a team's own dashboard.
   */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    return guardWidgets({
      connectorName: this.connectorName,
      alarms: [this.compositeAlarm, ...this.signalAlarms(), this.offsetCommitAlarm, this.logDeliveryAlarm]
        .filter((a): a is cloudwatch.Alarm | cloudwatch.CompositeAlarm => a !== undefined),
      offsetCommits: this.offsets.commits,
      pollRate: this.metrics.pollRate,
      writeRate: this.metrics.writeRate,
      erroredTasks: this.metrics.erroredTasks,
      runningTasks: this.metrics.runningTasks,
      connectedMetric: this.spec.connectedMetric,
      lagMetric: this.spec.lagMetric,
    });
  }

  /** The stored request and the role a recreate passes; undefined for a guard of a CloudFormation-managed connector. */
  private storedRequest(): StoredRequest | undefined {
    const spec = this.spec;
    return spec.configBucket && spec.configKey !== undefined && spec.serviceExecutionRole ? {
      bucket: spec.configBucket,
      key: spec.configKey,
      encryptionKey: spec.configEncryptionKey,
      serviceExecutionRole: spec.serviceExecutionRole,
    } : undefined;
  }

  /** The alarms that trigger recovery: those the composite alarm combines, or a fleet member's. */
  private signalAlarms(): cloudwatch.Alarm[] {
    return [
      this.offsetCommitGapAlarm, this.noProductionAlarm, this.erroredTasksAlarm, this.runningTasksAlarm, this.crashLoopAlarm,
      this.stallAlarm, this.taskAlarm, this.connectedAlarm, this.lagAlarm,
    ].filter((a): a is cloudwatch.Alarm => a !== undefined);
  }

  /**
   * The single trigger of recovery and paging: a stall confirmed by both the worker logs and the
   * native metrics (a silent log alone is a log-delivery gap, never acted on), a task in error,
   * too few running tasks, a crash loop, or the optional Debezium signals.
   */
  private triggerRule(): cloudwatch.IAlarmRule {
    const stall = cloudwatch.AlarmRule.allOf(this.offsetCommitGapAlarm!, this.noProductionAlarm!);
    const others = [this.erroredTasksAlarm, this.runningTasksAlarm, this.crashLoopAlarm, this.connectedAlarm, this.lagAlarm]
      .filter((a): a is cloudwatch.Alarm => a !== undefined);
    return cloudwatch.AlarmRule.anyOf(stall, ...others);
  }

  /** How the recovery function paces and bounds its recoveries. */
  private recoveryPacing(): RecoveryPacing {
    const p = this.settings;
    // The periods the alarms really use (a Connected or lag metric keeps its own, 5 minutes by default).
    // After a fix an M-of-N alarm clears once fewer than M of its last N datapoints breach: up to
    // N - M + 1 periods (the crash-loop alarm's 4 minutes by default), plus metric delay. A shorter
    // verification would take a restart that worked for one that did not, and re-create the connector.
    const signals = this.signalAlarms();
    const longestPeriod = Math.max(...signals.map((a) => alarmPeriodSeconds(a)));
    const longestClear = Math.max(...signals.map((a) => alarmClearSeconds(a)));
    return {
      allowOffsetReset: p.allowOffsetReset,
      cooldown: p.recoveryCooldown,
      budget: p.recoveryBudget,
      budgetWindow: p.recoveryBudgetWindow,
      verification: this.spec.recoveryVerificationPeriod ?? Duration.seconds(Math.max(2 * longestPeriod, longestClear) + 180),
      operationTimeout: p.operationTimeout,
      cloudFormationManaged: this.cfnConnector !== undefined,
      scheduledRestartIntervalSeconds: this.spec.preventiveRestartSchedule
        ? shortestScheduleInterval(this.spec.preventiveRestartSchedule.expressionString) : undefined,
    };
  }

  /**
   * The version's commit pattern, excluding the task lines of the connectors guarded anywhere in
   * this app whose names extend this one (`orders` and `orders-v2`): if they share the log group,
   * their commits would otherwise hide this connector's silence, and if they do not, excluding them
   * costs nothing. Whether two log groups are the same cannot always be told at synth time (a name
   * given as a literal here and through a resource there), so the guard does not try.
   */
  private defaultCommitPattern(version: KafkaConnectVersion): logs.IFilterPattern {
    if (Token.isUnresolved(this.connectorName)) {
      return version.commitPattern(this.connectorName);
    }
    return logs.FilterPattern.literal(Lazy.string({
      produce: () => version.commitPattern(this.connectorName, this.node.root.node.findAll()
        .filter((c): c is DebeziumSilentFailureGuard => c instanceof DebeziumSilentFailureGuard)
        .map((c) => c.connectorName)).logPatternString,
    }));
  }
}

/** The period of an alarm's metric or expression, in seconds. */
function alarmPeriodSeconds(alarm: cloudwatch.Alarm): number {
  const config = alarm.metric.toMetricConfig();
  return config.metricStat?.period.toSeconds() ?? config.mathExpression?.period ?? 60;
}

/** The longest an alarm can stay in ALARM after its metric is fine again: N - M + 1 periods (one period when those are tokens). */
function alarmClearSeconds(alarm: cloudwatch.Alarm): number {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const n = cfn.evaluationPeriods ?? 1;
  const m = cfn.datapointsToAlarm ?? n;
  const periods = Token.isUnresolved(n) || Token.isUnresolved(m) ? 1 : n - m + 1;
  return alarmPeriodSeconds(alarm) * periods;
}
