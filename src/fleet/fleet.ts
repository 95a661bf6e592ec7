import { Annotations, ArnFormat, Aws, Duration, Names, Stack, Tags } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { fleetDashboard } from './fleet-dashboard';
import type { DebeziumGuardFleetProps } from './fleet-props';
import { fleetProblems } from './fleet-validation';
import { MANAGED_POLICIES_PER_ROLE, MANAGED_POLICIES_PER_ROLE_RAISED, MemberPolicies } from './member-policies';
import { settleRecovery } from '../guard-settings';
import { nagText } from '../nag';
import { notificationTopic } from '../notification-topic';
import type { RecoveryStrategy } from '../props';
import { ENV, MEMBER_SIGNAL, guardSignalAlarmName, MEMBER_TAG, mayRecreate, mayRestart, TRIGGER_INPUT } from '../recovery/constants';
import { anyConnectorStatements, connectorStatements, statement, storedRequest, SID, type StoredRequest } from '../recovery-function/permissions';
import { anyResourceReason, connectorAcknowledgements, RecoveryFunction, workerConfigurationAcknowledgement } from '../recovery-function/recovery-function';
import { recoveryPlane } from '../recovery-plane';
import { DebeziumGuardWarnings } from '../warnings';

/** What a guard tells its fleet when it joins. @internal */
export interface FleetMemberRegistration {
  readonly connectorName: string;
  /** The alarm whose tags register the member (its stall alarm). */
  readonly registrationAlarm: cloudwatch.Alarm;
  /** The member's alarms that trigger recovery, for the fleet dashboard. */
  readonly alarms: cloudwatch.IAlarm[];
  readonly storedRequest: StoredRequest;
  /** The verification its alarms need: the fleet waits as long as its slowest member needs. */
  readonly verification: Duration;
}

/**
 * One recovery plane for many guarded connectors: the recovery function with its role and log
 * group, the state table (a record and a lease per connector), the one-minute tick and the topic.
 * A guard joins with its `fleet` prop and keeps only what is its connector's: its metric filter and
 * three alarms (stall, tasks, offset commits), no composite alarm; its stall alarm's tags register it
 * with the fleet.
 *
 * The fleet's tick starts and continues every recovery. A healthy fleet's tick makes one paginated
 * DescribeAlarms (the metric alarms in ALARM) and one paginated Scan of the state table:
 * no MSK Connect call and no write, however many connectors it guards. A member in ALARM or in the
 * middle of a recovery gets the same reconcile run as a single guard's, with its own lease and
 * record; one run recovers at most `maxConcurrentRecoveries` members at once.
 *
 * @example
 * // with the connectors' S3 bucket, worker log groups and service execution role
 * const fleet = new DebeziumGuardFleet(this, 'CdcFleet', { alertEmails: ['oncall@example.com'] });
 * new DebeziumSilentFailureGuard(this, 'OrdersGuard', {
 *   fleet,
 *   connectorArn: 'arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3',
 *   configBucket: bucket,
 *   configKey: 'debezium/orders-cdc.json',
 *   workerLogGroup: logGroup,
 *   serviceExecutionRole: connectorRole,
 * });
 */
export class DebeziumGuardFleet extends Construct {
  /** The value of every member stall alarm's `debezium-guard:fleet` tag: the fleet's stack and path. */
  public readonly fleetId: string;
  /** How the fleet recovers its members' connectors. */
  public readonly recoveryStrategy: RecoveryStrategy;
  /** The topic of the fleet's notices (one digest per run), its recovery-errors alarm and each member's log-delivery warning. */
  public readonly topic: sns.ITopic;
  /** The recovery records: one item per member connector (lease, phase, attempt history). */
  public readonly stateTable: dynamodb.ITable;
  /** The recovery function of every member. */
  public readonly recoveryFunction: lambda.Function;
  /** The recovery function's role. */
  public readonly recoveryRole: iam.IRole;
  /** The recovery function's log group. */
  public readonly recoveryLogGroup: logs.ILogGroup;
  /** Notifies the topic when the recovery function itself fails. */
  public readonly recoveryErrorsAlarm: cloudwatch.Alarm;
  /** Runs the recovery function every minute: it starts and continues the members' recoveries. */
  public readonly reconcileRule: events.Rule;
  /** The fleet dashboard; undefined unless `createDashboard`. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly memberPolicies: MemberPolicies;
  private verificationSeconds = 0;
  private readonly memberAlarms: cloudwatch.IAlarm[] = [];

  /**
   * @param scope the scope of the fleet; its members must be in the same stack
   * @param id the fleet's construct ID
   * @param props how the fleet recovers its members and whom it tells
   */
  constructor(scope: Construct, id: string, props: DebeziumGuardFleetProps = {}) {
    super(scope, id);
    const problems = fleetProblems(props);
    if (problems.length > 0) {
      throw new Error(`Invalid DebeziumGuardFleet props at ${this.node.path}:\n- ${problems.join('\n- ')}`);
    }
    const settings = settleRecovery(props);
    const strategy = settings.recoveryStrategy;
    this.recoveryStrategy = strategy;
    this.fleetId = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const { topic, topicKey } = notificationTopic(this, props);
    this.topic = topic;

    // Every member stall alarm's ARN, by the names' common end.
    const guardAlarms = Stack.of(this).formatArn({
      partition: Aws.PARTITION, service: 'cloudwatch', resource: 'alarm', resourceName: `*${guardSignalAlarmName('', MEMBER_SIGNAL.STALL)}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const notify = new cwActions.SnsAction(topic);
    const plane = recoveryPlane(this, (stateTable) => new RecoveryFunction(this, 'RecoveryFunction', {
      description: `Recovers the Debezium connectors of guard fleet ${this.node.path} on MSK Connect (cdk-debezium-guard)`,
      roleDescription: `Recovery function of the Debezium guard fleet ${this.node.path}`,
      runtime: settings.recoveryFunctionRuntime,
      logRetention: settings.recoveryLogRetention,
      stateTable,
      topic,
      topicKey,
      pacing: {
        allowOffsetReset: settings.allowOffsetReset,
        cooldown: settings.recoveryCooldown,
        budget: settings.recoveryBudget,
        budgetWindow: settings.recoveryBudgetWindow,
        // Raised to the slowest member's as members join (each one's alarms say how long they take to clear).
        verification: Duration.seconds(0),
        operationTimeout: settings.operationTimeout,
        cloudFormationManaged: false,
      },
      needs: [{
        environment: {
          [ENV.STRATEGY]: strategy,
          [ENV.FLEET_ID]: this.fleetId,
          [ENV.FLEET_CONCURRENCY]: String(props.maxConcurrentRecoveries ?? 4),
        },
        statements: [
          ...anyConnectorStatements(this, strategy),
          // Finds the metric alarms in ALARM (DescribeAlarms without names takes "*") and reads a member's
          // alarms' state; a member's registration is its stall alarm's tags.
          statement(SID.FIND_FLEET_MEMBERS, ['cloudwatch:DescribeAlarms'], '*'),
          statement(SID.READ_FLEET_MEMBER_TAGS, ['cloudwatch:ListTagsForResource'], guardAlarms),
          statement(SID.FIND_RECOVERIES_IN_FLIGHT, ['dynamodb:Scan'], stateTable.tableArn),
        ],
      }],
      // A failed tick is not run again: the next tick, a minute later, does the same with fresh state.
      retryAttempts: 0,
      acknowledgements: (role) => [
        {
          rule: 'AwsSolutions-IAM5',
          finding: 'Resource::*',
          reason: 'cloudwatch:DescribeAlarms without alarm names (one call finds every metric alarm in ALARM, whatever the fleet\'s size) and '
            + anyResourceReason(mayRecreate(strategy)),
        },
        ...(mayRecreate(strategy) ? [workerConfigurationAcknowledgement(role)] : []),
        {
          rule: 'AwsSolutions-IAM5',
          finding: `Resource::${nagText(role, guardAlarms)}`,
          reason: 'Read-only: the tags of guard stall alarms, by their name\'s suffix; a member\'s tags register it with this fleet, and only the fleet\'s tag value counts.',
        },
      ],
    }), {
      alarmDescription: `The recovery function of the Debezium guard fleet ${this.node.path} is failing, so the fleet may not be able to act. `
        + 'Check first: the ERROR lines in the function\'s log group (each names its connector), then the fleet\'s last e-mail.',
    }, notify);
    this.stateTable = plane.stateTable;
    this.recoveryFunction = plane.recoveryFunction;
    this.recoveryRole = plane.recoveryFunction.recoveryRole;
    this.recoveryLogGroup = plane.recoveryFunction.recoveryLogGroup;
    this.recoveryErrorsAlarm = plane.recoveryErrorsAlarm;
    this.memberPolicies = new MemberPolicies(this, plane.recoveryFunction.recoveryRole);
    this.node.addValidation({ validate: () => this.policyQuotaProblems() });

    this.reconcileRule = new events.Rule(this, 'ReconcileRule', {
      description: `Starts and continues the recoveries of the Debezium connectors of guard fleet ${this.node.path} (idempotent, locked per connector)`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.recoveryFunction, {
        event: events.RuleTargetInput.fromObject({ trigger: TRIGGER_INPUT.TICK }),
        retryAttempts: 0,
      })],
    });
    this.dashboard = props.createDashboard ? fleetDashboard(this, {
      dashboardName: props.dashboardName,
      fleetPath: this.node.path,
      recoveryLogGroup: this.recoveryLogGroup,
      memberAlarms: this.memberAlarms,
    }) : undefined;
  }

  /**
   * Registers a guard's connector: tags its stall alarm with the fleet and its stored request,
   * and lets the recovery function act on exactly that connector, read exactly that request and pass
   * exactly that role.
   * @internal
   */
  public _enrol(member: FleetMemberRegistration): void {
    const strategy = this.recoveryStrategy;
    const request = member.storedRequest;
    const tags: Record<string, string> = {
      [MEMBER_TAG.FLEET]: this.fleetId,
      [MEMBER_TAG.CONFIG_BUCKET]: request.bucket.bucketName,
      [MEMBER_TAG.CONFIG_KEY]: request.key,
      [MEMBER_TAG.CONFIG_BUCKET_OWNER]: request.bucket.env.account,
      [MEMBER_TAG.SERVICE_EXECUTION_ROLE_ARN]: request.serviceExecutionRole.roleArn,
    };
    Object.entries(tags).forEach(([key, value]) => Tags.of(member.registrationAlarm).add(key, value));
    // The statements on the connector itself share one resource: listed once, the member costs one ARN.
    const named = connectorStatements(this, member.connectorName, strategy);
    const onConnector = named.filter((s) => s.sid !== SID.FOLLOW_CONNECTOR_OPERATIONS);
    this.memberPolicies.add([
      ...(onConnector.length > 0 ? [new iam.PolicyStatement({
        sid: SID.ACT_ON_MEMBER_CONNECTORS, actions: onConnector.flatMap((s) => s.actions), resources: onConnector[0].resources,
      })] : []),
      ...named.filter((s) => s.sid === SID.FOLLOW_CONNECTOR_OPERATIONS),
      ...storedRequest(request, strategy).statements,
    ], connectorAcknowledgements(this, member.connectorName, mayRestart(strategy)));
    // The function and its tick start only once the members' permissions exist (each policy was the last once).
    this.recoveryFunction.node.addDependency(this.memberPolicies.policies[this.memberPolicies.policies.length - 1]);
    this.memberAlarms.push(...member.alarms);
    this.verificationSeconds = Math.max(this.verificationSeconds, member.verification.toSeconds());
    this.recoveryFunction.addEnvironment(ENV.VERIFY_SECONDS, String(this.verificationSeconds));
  }

  /** Past IAM's default quota of managed policies per role, a warning; past what AWS raises it to, an error. */
  private policyQuotaProblems(): string[] {
    const count = this.memberPolicies.policies.length;
    if (count > MANAGED_POLICIES_PER_ROLE_RAISED) {
      return [`fleet ${this.node.path} needs ${count} managed policies on its role for its members, more than IAM allows (${MANAGED_POLICIES_PER_ROLE_RAISED}); split its members across two fleets`];
    }
    if (count > MANAGED_POLICIES_PER_ROLE) {
      Annotations.of(this).addWarningV2(DebeziumGuardWarnings.FLEET_MANAGED_POLICY_QUOTA,
        `fleet ${this.node.path} needs ${count} managed policies on its role for its members, more than IAM attaches by default (${MANAGED_POLICIES_PER_ROLE}): `
        + `ask AWS to raise the role's managed-policy quota to ${MANAGED_POLICIES_PER_ROLE_RAISED} before deploying, or split the fleet`);
    }
    return [];
  }
}
