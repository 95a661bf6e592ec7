import { Aws, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ENV, mayRecreate, mayRestart } from '../recovery/constants';

/**
 * The policy's statement IDs, in the order the policy lists them: stable, and how the one-click
 * template finds a statement.
 */
export const SID = {
  WRITE_OWN_LOGS: 'WriteOwnLogs',
  READ_GUARD_ALARM: 'ReadGuardAlarm',
  RECOVERY_RECORD: 'RecoveryRecord',
  NOTIFY: 'Notify',
  LIST_CONNECTORS: 'ListConnectors',
  /** The drill counts the offset commits of the last 15 minutes (read-only). */
  COUNT_OFFSET_COMMITS: 'CountOffsetCommits',
  /** The drill finds the EventBridge rules that target the function (read-only). */
  FIND_TRIGGER_RULES: 'FindTriggerRules',
  /** The drill reads those rules and their targets (read-only). */
  READ_TRIGGER_RULES: 'ReadTriggerRules',
  RESTART_CONNECTOR: 'RestartConnector',
  FOLLOW_CONNECTOR_OPERATIONS: 'FollowConnectorOperations',
  COMPARE_WITH_RUNNING_CONNECTOR: 'CompareWithRunningConnector',
  RECREATE_CONNECTOR: 'RecreateConnector',
  CREATE_CONNECTOR: 'CreateConnector',
  READ_WORKER_CONFIGURATION: 'ReadWorkerConfiguration',
  PASS_SERVICE_EXECUTION_ROLE: 'PassServiceExecutionRole',
  CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY: 'CreateConnectorNetworkAndLogDelivery',
  NOTIFY_ENCRYPTED_TOPIC: 'NotifyEncryptedTopic',
  READ_STORED_CREATE_CONNECTOR_REQUEST: 'ReadStoredCreateConnectorRequest',
  DECRYPT_STORED_CREATE_CONNECTOR_REQUEST: 'DecryptStoredCreateConnectorRequest',
  FIND_FLEET_MEMBERS: 'FindFleetMembers',
  READ_FLEET_MEMBER_TAGS: 'ReadFleetMemberTags',
  FIND_RECOVERIES_IN_FLIGHT: 'FindRecoveriesInFlight',
  /** A fleet's member policies: restart, compare, delete and tag, on each member connector. */
  ACT_ON_MEMBER_CONNECTORS: 'ActOnMemberConnectors',
} as const;

/** The statements only a strategy that may re-create gets (`DecryptStoredCreateConnectorRequest` too, when the bucket has a key). */
export const RECREATE_ONLY_SIDS = [
  SID.COMPARE_WITH_RUNNING_CONNECTOR, SID.RECREATE_CONNECTOR, SID.CREATE_CONNECTOR, SID.READ_WORKER_CONFIGURATION,
  SID.PASS_SERVICE_EXECUTION_ROLE, SID.CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY, SID.READ_STORED_CREATE_CONNECTOR_REQUEST,
];

/**
 * What the recovery function needs to use one thing: the environment variables that tell it where
 * that thing is, and the statements that allow the use. Kept together so that neither is set
 * without the other.
 */
export interface Need {
  readonly environment: Record<string, string>;
  readonly statements: iam.PolicyStatement[];
}

/** The stored CreateConnector request a recreate reads, and the role it passes. */
export interface StoredRequest {
  readonly bucket: s3.IBucket;
  readonly key: string;
  /** The key the stored request is encrypted with, when not the bucket's own. */
  readonly encryptionKey?: kms.IKey;
  readonly serviceExecutionRole: iam.IRole;
}

/**
 * An MSK Connect ARN. The partition is always the `AWS::Partition` token: consumers' feature flags
 * (`@aws-cdk/core:enablePartitionLiterals`) must not change the template.
 */
export function kafkaConnectArn(scope: Construct, resource: string): string {
  return Stack.of(scope).formatArn({ partition: Aws.PARTITION, service: 'kafkaconnect', resource });
}

// Every statement is built by hand (not with grant methods) and names its one resource, so that
// the policy does not change with the consumer's feature flags.

/** Writes its own log lines. */
export function ownLogs(logGroup: logs.ILogGroup): Need {
  return {
    environment: {},
    statements: [statement(SID.WRITE_OWN_LOGS, ['logs:CreateLogStream', 'logs:PutLogEvents'], logGroup.logGroupArn)],
  };
}

/** Reads the guard's composite alarm: whether it is still in ALARM, and which signals fired it. */
export function guardAlarm(alarm: cloudwatch.IAlarm): Need {
  return {
    environment: { [ENV.ALARM_NAME]: alarm.alarmName },
    statements: [statement(SID.READ_GUARD_ALARM, ['cloudwatch:DescribeAlarms'], alarm.alarmArn)],
  };
}

/**
 * The drill reads the EventBridge rules that target the function: which ones (by its own ARN), each
 * rule, and its targets. Read-only. `ListRuleNamesByTarget` supports no resource-level permission.
 * The rules' names are generated when the stack deploys, and naming their ARNs here would make a
 * cycle (each rule targets the function): the others read the rules of the account and Region.
 */
export function triggerRules(scope: Construct): Need {
  return {
    environment: {},
    statements: [
      statement(SID.FIND_TRIGGER_RULES, ['events:ListRuleNamesByTarget'], '*'),
      statement(SID.READ_TRIGGER_RULES, ['events:DescribeRule', 'events:ListTargetsByRule'], triggerRulesArn(scope)),
    ],
  };
}

/** The ARN pattern of every EventBridge rule in the stack's account and Region (the partition a token, as for MSK Connect). */
export function triggerRulesArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ partition: Aws.PARTITION, service: 'events', resource: 'rule', resourceName: '*' });
}

/** Reads and writes the recovery record (lease, phase, attempt history). */
export function recoveryRecord(table: dynamodb.ITable): Need {
  return {
    environment: { [ENV.STATE_TABLE]: table.tableName },
    statements: [statement(SID.RECOVERY_RECORD, ['dynamodb:GetItem', 'dynamodb:PutItem'], table.tableArn)],
  };
}

/** Publishes notices to the topic, and uses its key when it has one. */
export function notifications(topic: sns.ITopic, topicKey: kms.IKey | undefined): Need {
  return {
    environment: { [ENV.TOPIC_ARN]: topic.topicArn },
    statements: [
      statement(SID.NOTIFY, ['sns:Publish'], topic.topicArn),
      ...(topicKey ? [statement(SID.NOTIFY_ENCRYPTED_TOPIC, ['kms:Decrypt', 'kms:GenerateDataKey*'], topicKey.keyArn)] : []),
    ],
  };
}

/**
 * The MSK Connect side of one guard: the statements on its one connector (`connectorStatements`),
 * and those no resource can scope (`anyConnectorStatements`).
 */
export function connector(scope: Construct, connectorName: string, strategy: string): Need {
  return {
    environment: { [ENV.CONNECTOR_NAME]: connectorName, [ENV.STRATEGY]: strategy },
    statements: [...anyConnectorStatements(scope, strategy), ...connectorStatements(scope, connectorName, strategy)],
  };
}

/**
 * What a strategy needs on the named connector: restart it unless the strategy is notify-only (by
 * name, so the statement survives a recreate's new ARN), follow its restart operations, and, only
 * when the strategy may re-create, describe it and read its tags (to compare it with the stored
 * request), delete it and tag the new one.
 */
export function connectorStatements(scope: Construct, connectorName: string, strategy: string): iam.PolicyStatement[] {
  const arn = (resource: string) => kafkaConnectArn(scope, resource);
  const byName = arn(`connector/${connectorName}/*`);
  return [
    ...(mayRestart(strategy) ? [statement(SID.RESTART_CONNECTOR, ['kafkaconnect:RestartConnector'], byName)] : []),
    // Also under notify-only: a restart started before a switch to notify-only is still followed.
    statement(SID.FOLLOW_CONNECTOR_OPERATIONS, ['kafkaconnect:DescribeConnectorOperation'], arn(`connector-operation/${connectorName}/*`)),
    ...(mayRecreate(strategy) ? [
      // Before any delete: the stored request must describe the connector as it runs, tags included.
      statement(SID.COMPARE_WITH_RUNNING_CONNECTOR, ['kafkaconnect:DescribeConnector', 'kafkaconnect:ListTagsForResource'], byName),
      statement(SID.RECREATE_CONNECTOR, ['kafkaconnect:DeleteConnector', 'kafkaconnect:TagResource'], byName),
    ] : []),
  ];
}

/**
 * What a strategy needs that no connector ARN can scope: list connectors (the function reads the
 * connector's state from its listing) and, only when the strategy may re-create, create one, read
 * worker configurations, and what a create and a delete need from their caller.
 */
export function anyConnectorStatements(scope: Construct, strategy: string): iam.PolicyStatement[] {
  const statements = [
    // ListConnectors supports no resource-level permissions.
    statement(SID.LIST_CONNECTORS, ['kafkaconnect:ListConnectors'], '*'),
    // The drill's count of the offset commits (the metric filter's metric); GetMetricStatistics
    // supports no resource-level permissions, and reads metrics only.
    statement(SID.COUNT_OFFSET_COMMITS, ['cloudwatch:GetMetricStatistics'], '*'),
  ];
  if (mayRecreate(strategy)) {
    statements.push(
      // CreateConnector authorizes against no resource type (the ARN does not exist yet): it takes "*".
      // What it may create is bounded by the one role it may pass and the stored request's checks.
      statement(SID.CREATE_CONNECTOR, ['kafkaconnect:CreateConnector'], '*'),
      // Proves that the recreate keeps offsets (offset.storage.topic); the request names the configuration.
      statement(SID.READ_WORKER_CONFIGURATION, ['kafkaconnect:DescribeWorkerConfiguration'], kafkaConnectArn(scope, 'worker-configuration/*')),
      // What creating and deleting a connector needs from its caller. The Service Authorization
      // Reference (kafkaconnect, "Dependent actions") lists for CreateConnector the ec2:Describe{Vpcs,
      // Subnets,SecurityGroups}, ec2:CreateNetworkInterface and the CloudWatch Logs delivery actions
      // (logs:CreateLogDelivery, GetLogDelivery, ListLogDeliveries, PutResourcePolicy,
      // DescribeResourcePolicies, DescribeLogGroups), and for DeleteConnector logs:DeleteLogDelivery and
      // logs:ListLogDeliveries; neither lists logs:UpdateLogDelivery, so the guard does not hold it.
      // ec2:DescribeNetworkInterfaces and ec2:DeleteNetworkInterface are not in that list either, but
      // AWS's MSK Connect example policy (MSK Developer Guide, "Example of IAM policy for MSK Connect",
      // statement EC2NetworkAccess) grants them with the others: the two sources disagree, and a create
      // that fails after the delete would leave the connector deleted, so the guard keeps them.
      // None supports resource-level permissions. S3 and Firehose log delivery (s3:*BucketPolicy,
      // firehose:TagDeliveryStream) are refused before any delete instead (stored-request.ts).
      statement(SID.CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY, [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
        'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      ], '*'),
    );
  }
  return statements;
}

/**
 * The stored request and the role a recreate passes. The function is told where they are whenever
 * the guard has them (its notices can then name the request), but reads the request and passes the
 * role only under a strategy that re-creates.
 */
export function storedRequest(request: StoredRequest, strategy: string): Need {
  const environment = {
    [ENV.CONFIG_BUCKET]: request.bucket.bucketName,
    [ENV.CONFIG_KEY]: request.key,
    // The bucket's account (the stack's unless the bucket was imported with another): the read pins it.
    [ENV.CONFIG_BUCKET_OWNER]: request.bucket.env.account,
    [ENV.SERVICE_EXECUTION_ROLE_ARN]: request.serviceExecutionRole.roleArn,
  };
  if (!mayRecreate(strategy)) {
    return { environment, statements: [] };
  }
  const encryptionKey = request.encryptionKey ?? request.bucket.encryptionKey;
  return {
    environment,
    statements: [
      new iam.PolicyStatement({
        sid: SID.PASS_SERVICE_EXECUTION_ROLE,
        actions: ['iam:PassRole'],
        resources: [request.serviceExecutionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'kafkaconnect.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: SID.READ_STORED_CREATE_CONNECTOR_REQUEST,
        // The one stored request, nothing else in the bucket, and only from a bucket the expected account
        // owns: a bucket name is global, and a deleted one can be registered again by anyone.
        actions: ['s3:GetObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${request.bucket.bucketName}/${request.key}`],
        conditions: { StringEquals: { 's3:ResourceAccount': request.bucket.env.account } },
      }),
      ...(encryptionKey ? [statement(SID.DECRYPT_STORED_CREATE_CONNECTOR_REQUEST, ['kms:Decrypt'], encryptionKey.keyArn)] : []),
    ],
  };
}

/**
 * The needs' statements in `SID` order and their variables in `ENV` order, whatever order the
 * needs come in: the template must not depend on the order the construct meets them.
 */
export function mergeNeeds(needs: Need[]): Need {
  const sids: string[] = Object.values(SID);
  const keys: string[] = Object.values(ENV);
  const environment = Object.assign({}, ...needs.map((n) => n.environment)) as Record<string, string>;
  return {
    environment: Object.fromEntries(keys.filter((k) => k in environment).map((k) => [k, environment[k]])),
    statements: needs.flatMap((n) => n.statements).sort((a, b) => sids.indexOf(a.sid!) - sids.indexOf(b.sid!)),
  };
}

export function statement(sid: string, actions: string[], resource: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions, resources: [resource] });
}
