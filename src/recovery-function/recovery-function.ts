import * as path from 'path';
import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import {
  connector, guardAlarm, kafkaConnectArn, mergeNeeds, notifications, ownLogs, recoveryRecord, storedRequest, triggerRules, triggerRulesArn, type Need,
  type StoredRequest,
} from './permissions';
import { acknowledgeNag, nagText, type NagAcknowledgement } from '../nag';
import { ENV, mayRecreate, mayRestart, RECOVERY_FUNCTION_TIMEOUT_SECONDS, RECOVERY_METRICS_NAMESPACE } from '../recovery/constants';

/** The recovery function's bundle, built with this library (`npx projen bundle`) and shipped in the package. */
const RECOVERY_ASSET = path.join(__dirname, '..', '..', 'assets', 'recovery', 'recovery.lambda');

/** How the function paces and bounds its recoveries: settings it reads, with no resource behind them. */
export interface RecoveryPacing {
  readonly allowOffsetReset: boolean;
  readonly cooldown: Duration;
  readonly budget: number;
  readonly budgetWindow: Duration;
  readonly verification: Duration;
  readonly operationTimeout: Duration;
  /** A guard of a connector that CloudFormation manages (`fromCfnConnector`). */
  readonly cloudFormationManaged: boolean;
  /** The preventive restart schedule's shortest interval; undefined without a schedule. */
  readonly scheduledRestartIntervalSeconds?: number;
}

/** One guard's recovery function: the connector it recovers and how. */
export interface ConnectorRecoveryProps {
  readonly connectorName: string;
  readonly strategy: string;
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly alarm: cloudwatch.IAlarm;
  readonly stateTable: dynamodb.ITable;
  readonly topic: sns.ITopic;
  readonly topicKey?: kms.IKey;
  /** Undefined for a guard of a CloudFormation-managed connector: it never re-creates. */
  readonly storedRequest?: StoredRequest;
  readonly pacing: RecoveryPacing;
}

/** A recovery function: what every one has (logs, record, topic, pacing), and what its guard or fleet adds. */
export interface RecoveryFunctionProps {
  readonly description: string;
  readonly roleDescription: string;
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly stateTable: dynamodb.ITable;
  readonly topic: sns.ITopic;
  readonly topicKey?: kms.IKey;
  readonly pacing: RecoveryPacing;
  /** What it needs beyond its own logs, record, topic and pacing: one connector's, or a fleet's. */
  readonly needs: Need[];
  /** Its policy's wildcards, each acknowledged with its reason. */
  readonly acknowledgements: (role: iam.Role) => NagAcknowledgement[];
  /** How often Lambda retries a failed asynchronous invocation. @default - Lambda's own (2) */
  readonly retryAttempts?: number;
}

/**
 * The recovery function, with its role and log group (created beside it in the guard's scope, as
 * they always were). Each environment variable is set together with the statement that lets the
 * function use what it names (`permissions.ts`).
 */
export class RecoveryFunction extends lambda.Function {
  /** The recovery function of one guard: the one connector it may restart, and its stored request. */
  public static forConnector(scope: Construct, id: string, props: ConnectorRecoveryProps): RecoveryFunction {
    const recreates = mayRecreate(props.strategy);
    if (recreates && !props.storedRequest) {
      throw new Error(`recovery strategy ${props.strategy} re-creates the connector and needs the stored request`);
    }
    return new RecoveryFunction(scope, id, {
      ...props,
      description: `Recovers Debezium connector ${props.connectorName} on MSK Connect (cdk-debezium-guard)`,
      roleDescription: `Recovery function of the Debezium guard for connector ${props.connectorName}`,
      needs: [
        connector(scope, props.connectorName, props.strategy),
        ...(props.storedRequest ? [storedRequest(props.storedRequest, props.strategy)] : []),
        guardAlarm(props.alarm),
      ],
      acknowledgements: (role) => wildcardAcknowledgements(role, props.connectorName, mayRestart(props.strategy), recreates),
    });
  }

  public readonly recoveryRole: iam.Role;
  public readonly recoveryLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RecoveryFunctionProps) {
    const logGroup = new logs.LogGroup(scope, 'RecoveryLogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const needs = mergeNeeds([
      ownLogs(logGroup),
      ...props.needs,
      notifications(props.topic, props.topicKey),
      recoveryRecord(props.stateTable),
      triggerRules(scope),
      pacing(props.pacing),
    ]);
    const role = new iam.Role(scope, 'RecoveryRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
      // minimize: false pins the document: @aws-cdk/aws-iam:minimizePolicies must not reshape it.
      inlinePolicies: { Recovery: new iam.PolicyDocument({ minimize: false, statements: needs.statements }) },
    });
    acknowledgeNag(role.node.defaultChild as CfnResource, [...props.acknowledgements(role), triggerRulesAcknowledgement(role)]);
    super(scope, id, {
      description: props.description,
      runtime: props.runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(RECOVERY_ASSET),
      role,
      logGroup,
      // Each run makes at most one mutation plus a few reads; the SDK retries fit well inside this.
      timeout: Duration.seconds(RECOVERY_FUNCTION_TIMEOUT_SECONDS),
      memorySize: 256,
      environment: needs.environment,
      retryAttempts: props.retryAttempts,
    });
    this.recoveryRole = role;
    this.recoveryLogGroup = logGroup;
  }
}

/** The pacing settings: variables only, nothing to grant. */
function pacing(p: RecoveryPacing): Need {
  return {
    environment: {
      [ENV.ALLOW_OFFSET_RESET]: String(p.allowOffsetReset),
      [ENV.COOLDOWN_SECONDS]: String(p.cooldown.toSeconds()),
      [ENV.BUDGET]: String(p.budget),
      [ENV.BUDGET_WINDOW_SECONDS]: String(p.budgetWindow.toSeconds()),
      [ENV.VERIFY_SECONDS]: String(p.verification.toSeconds()),
      [ENV.OPERATION_TIMEOUT_SECONDS]: String(p.operationTimeout.toSeconds()),
      [ENV.METRICS_NAMESPACE]: RECOVERY_METRICS_NAMESPACE,
      // Set only for such guards, so that the template of every other guard stays as it was.
      ...(p.cloudFormationManaged ? { [ENV.CLOUDFORMATION_MANAGED]: 'true' } : {}),
      // Only a guard with a schedule accepts a scheduled restart, at most one per this interval.
      ...(p.scheduledRestartIntervalSeconds !== undefined
        ? { [ENV.SCHEDULED_RESTART_INTERVAL_SECONDS]: String(p.scheduledRestartIntervalSeconds) }
        : {}),
    },
    statements: [],
  };
}

/** Each wildcard in one guard's recovery policy, with its reason. */
function wildcardAcknowledgements(role: iam.Role, connectorName: string, restarts: boolean, recreates: boolean): NagAcknowledgement[] {
  return [
    {
      rule: 'AwsSolutions-IAM5',
      finding: 'Resource::*',
      reason: anyResourceReason(recreates),
    },
    ...connectorAcknowledgements(role, connectorName, restarts || recreates),
    ...(recreates ? [workerConfigurationAcknowledgement(role)] : []),
  ];
}

/**
 * Why a recovery policy's actions on `*` cannot be narrowed (`anyConnectorStatements` and the drill's
 * reads): a guard's acknowledgement, and a fleet's after its own.
 */
export function anyResourceReason(recreates: boolean): string {
  const reads = 'kafkaconnect:ListConnectors, cloudwatch:GetMetricStatistics (read-only: the drill\'s count of offset commits), '
    + 'events:ListRuleNamesByTarget (read-only: the drill finds the rules that target the function)';
  return recreates
    ? `${reads}, kafkaconnect:CreateConnector and the EC2/CloudWatch Logs delivery actions a create needs support no resource-level permissions.`
    : `${reads} support no resource-level permissions.`;
}

/** The wildcards of the statements on one connector (`connectorStatements`), with their reasons. */
export function connectorAcknowledgements(scope: IConstruct, connectorName: string, restartsOrRecreates: boolean): NagAcknowledgement[] {
  const arn = (resource: string) => nagText(scope, kafkaConnectArn(scope, resource));
  return [
    ...(restartsOrRecreates ? [{
      rule: 'AwsSolutions-IAM5',
      finding: `Resource::${arn(`connector/${connectorName}/*`)}`,
      reason: 'Scoped to the guarded connector name; the ID suffix changes with every recreate.',
    }] : []),
    {
      rule: 'AwsSolutions-IAM5',
      finding: `Resource::${arn(`connector-operation/${connectorName}/*`)}`,
      reason: 'Restart operations of the guarded connector only; their IDs are created at run time.',
    },
  ];
}

/** The wildcard of `ReadTriggerRules`, with its reason. */
function triggerRulesAcknowledgement(scope: Construct): NagAcknowledgement {
  return {
    rule: 'AwsSolutions-IAM5',
    finding: `Resource::${nagText(scope, triggerRulesArn(scope))}`,
    reason: 'Read-only: the drill reads the EventBridge rules that target the function (DescribeRule, ListTargetsByRule); their names are generated at '
      + 'deploy time, and naming them would make a cycle (the rules target the function).',
  };
}

/** The wildcard of `ReadWorkerConfiguration`, with its reason. */
export function workerConfigurationAcknowledgement(scope: IConstruct): NagAcknowledgement {
  return {
    rule: 'AwsSolutions-IAM5',
    finding: `Resource::${nagText(scope, kafkaConnectArn(scope, 'worker-configuration/*'))}`,
    reason: 'Read-only; the stored request names the worker configuration, which is only known at run time.',
  };
}
