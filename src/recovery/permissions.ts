import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** The policy's statement IDs: stable, and how the one-click template finds a statement. */
export const SID = {
  WRITE_OWN_LOGS: 'WriteOwnLogs',
  READ_GUARD_ALARM: 'ReadGuardAlarm',
  RECOVERY_RECORD: 'RecoveryRecord',
  NOTIFY: 'Notify',
  NOTIFY_ENCRYPTED_TOPIC: 'NotifyEncryptedTopic',
  READ_STORED_CREATE_CONNECTOR_REQUEST: 'ReadStoredCreateConnectorRequest',
  DECRYPT_STORED_CREATE_CONNECTOR_REQUEST: 'DecryptStoredCreateConnectorRequest',
  LIST_CONNECTORS: 'ListConnectors',
  RESTART_CONNECTOR: 'RestartConnector',
  FOLLOW_CONNECTOR_OPERATIONS: 'FollowConnectorOperations',
  COMPARE_WITH_RUNNING_CONNECTOR: 'CompareWithRunningConnector',
  RECREATE_CONNECTOR: 'RecreateConnector',
  CREATE_CONNECTOR: 'CreateConnector',
  READ_WORKER_CONFIGURATION: 'ReadWorkerConfiguration',
  PASS_SERVICE_EXECUTION_ROLE: 'PassServiceExecutionRole',
  CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY: 'CreateConnectorNetworkAndLogDelivery',
} as const;

/** The statements only a strategy that may re-create gets (`DecryptStoredCreateConnectorRequest` too, when the bucket has a key). */
export const RECREATE_ONLY_SIDS = [
  SID.COMPARE_WITH_RUNNING_CONNECTOR, SID.RECREATE_CONNECTOR, SID.CREATE_CONNECTOR, SID.READ_WORKER_CONFIGURATION,
  SID.PASS_SERVICE_EXECUTION_ROLE, SID.CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY, SID.READ_STORED_CREATE_CONNECTOR_REQUEST,
];

export interface RecoveryPermissionsProps {
  readonly connectorName: string;
  readonly serviceExecutionRole: iam.IRole;
  /** False for notify-only: no kafkaconnect:RestartConnector. */
  readonly mayRestart: boolean;
  /** False for restart-only and notify-only: no delete, create, PassRole or config read at all. */
  readonly mayRecreate: boolean;
  readonly configBucketName: string;
  /** The account that owns the config bucket (`s3:ResourceAccount`). */
  readonly configBucketOwner: string;
  readonly configKey: string;
  readonly configEncryptionKey?: kms.IKey;
  readonly topicArn: string;
  readonly topicKey?: kms.IKey;
  readonly stateTableArn: string;
  readonly alarmArn: string;
  readonly logGroupArn: string;
}

/**
 * An MSK Connect ARN. The partition is always the `AWS::Partition` token: consumers' feature flags
 * (`@aws-cdk/core:enablePartitionLiterals`) must not change the template.
 */
export function kafkaConnectArn(scope: Construct, resource: string): string {
  return Stack.of(scope).formatArn({ partition: Aws.PARTITION, service: 'kafkaconnect', resource });
}

/**
 * Every statement of the recovery function's policy, each naming its one resource. Built by hand
 * (not with grant methods) so that the policy does not change with the consumer's feature flags.
 */
export function recoveryStatements(scope: Construct, props: RecoveryPermissionsProps): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: SID.WRITE_OWN_LOGS,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [props.logGroupArn],
    }),
    new iam.PolicyStatement({
      sid: SID.READ_GUARD_ALARM,
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [props.alarmArn],
    }),
    new iam.PolicyStatement({
      sid: SID.RECOVERY_RECORD,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [props.stateTableArn],
    }),
    new iam.PolicyStatement({
      sid: SID.NOTIFY,
      actions: ['sns:Publish'],
      resources: [props.topicArn],
    }),
    ...connectorStatements(scope, props),
  ];
  if (props.topicKey) {
    statements.push(new iam.PolicyStatement({
      sid: SID.NOTIFY_ENCRYPTED_TOPIC,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: [props.topicKey.keyArn],
    }));
  }
  if (props.mayRecreate) {
    statements.push(new iam.PolicyStatement({
      sid: SID.READ_STORED_CREATE_CONNECTOR_REQUEST,
      // The one stored request, nothing else in the bucket, and only from a bucket the expected account
      // owns: a bucket name is global, and a deleted one can be registered again by anyone.
      actions: ['s3:GetObject'],
      resources: [`arn:${Aws.PARTITION}:s3:::${props.configBucketName}/${props.configKey}`],
      conditions: { StringEquals: { 's3:ResourceAccount': props.configBucketOwner } },
    }));
    if (props.configEncryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: SID.DECRYPT_STORED_CREATE_CONNECTOR_REQUEST,
        actions: ['kms:Decrypt'],
        resources: [props.configEncryptionKey.keyArn],
      }));
    }
  }
  return statements;
}

/**
 * The MSK Connect side of the recovery function's policy: list connectors (the function reads the
 * connector's state from its listing), follow restart operations, restart the one connector unless
 * the strategy is notify-only (by name, so the statement survives a recreate's new ARN), and, only
 * when the strategy may re-create, describe it and read its tags (to compare it with the stored
 * request), delete/create it and pass its one service execution role.
 */
function connectorStatements(scope: Construct, props: RecoveryPermissionsProps): iam.PolicyStatement[] {
  const arn = (resource: string) => kafkaConnectArn(scope, resource);
  const connector = arn(`connector/${props.connectorName}/*`);
  const statements = [
    new iam.PolicyStatement({
      sid: SID.LIST_CONNECTORS,
      // ListConnectors supports no resource-level permissions.
      actions: ['kafkaconnect:ListConnectors'],
      resources: ['*'],
    }),
    ...(props.mayRestart ? [new iam.PolicyStatement({
      sid: SID.RESTART_CONNECTOR,
      actions: ['kafkaconnect:RestartConnector'],
      resources: [connector],
    })] : []),
    new iam.PolicyStatement({
      // Also under notify-only: a restart started before a switch to notify-only is still followed.
      sid: SID.FOLLOW_CONNECTOR_OPERATIONS,
      actions: ['kafkaconnect:DescribeConnectorOperation'],
      resources: [arn(`connector-operation/${props.connectorName}/*`)],
    }),
  ];
  if (!props.mayRecreate) {
    return statements;
  }
  statements.push(
    new iam.PolicyStatement({
      sid: SID.COMPARE_WITH_RUNNING_CONNECTOR,
      // Before any delete: the stored request must describe the connector as it runs, tags included.
      actions: ['kafkaconnect:DescribeConnector', 'kafkaconnect:ListTagsForResource'],
      resources: [connector],
    }),
    new iam.PolicyStatement({
      sid: SID.RECREATE_CONNECTOR,
      actions: ['kafkaconnect:DeleteConnector', 'kafkaconnect:TagResource'],
      resources: [connector],
    }),
    new iam.PolicyStatement({
      sid: SID.CREATE_CONNECTOR,
      // CreateConnector authorizes against no resource type (the ARN does not exist yet): it takes "*".
      // What it may create is bounded by the one role it may pass (below) and the stored request's checks.
      actions: ['kafkaconnect:CreateConnector'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: SID.READ_WORKER_CONFIGURATION,
      // Proves that the recreate keeps offsets (offset.storage.topic); the request names the configuration.
      actions: ['kafkaconnect:DescribeWorkerConfiguration'],
      resources: [arn('worker-configuration/*')],
    }),
    new iam.PolicyStatement({
      sid: SID.PASS_SERVICE_EXECUTION_ROLE,
      actions: ['iam:PassRole'],
      resources: [props.serviceExecutionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'kafkaconnect.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: SID.CREATE_CONNECTOR_NETWORK_AND_LOG_DELIVERY,
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
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
        'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }),
  );
  return statements;
}
