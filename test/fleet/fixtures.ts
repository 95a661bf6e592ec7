import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DebeziumSilentFailureGuard, type DebeziumGuardFleet, type DebeziumSilentFailureGuardProps } from '../../src';
import { ACCOUNT, REGION, ROLE_ARN } from '../construct/fixtures';

/** The ARN of a connector named `name` in the test account and Region. */
export function connectorArn(name: string): string {
  return `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:connector/${name}/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3`;
}

/** The bucket, role and log groups a team's connectors share, imported once per stack. */
export function sharedResources(stack: Stack): { bucket: s3.IBucket; role: iam.IRole } {
  const bucket = (stack.node.tryFindChild('Configs') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(stack, 'Configs', 'connector-configs');
  const role = (stack.node.tryFindChild('ConnectorRole') as iam.IRole | undefined) ?? iam.Role.fromRoleArn(stack, 'ConnectorRole', ROLE_ARN);
  return { bucket, role };
}

/** A fleet member for connector `name`, as a team adds one per connector. */
export function memberGuard(
  stack: Stack, fleet: DebeziumGuardFleet, name: string, overrides: Partial<DebeziumSilentFailureGuardProps> = {},
): DebeziumSilentFailureGuard {
  const { bucket, role } = sharedResources(stack);
  return new DebeziumSilentFailureGuard(stack, `${name}-guard`, {
    fleet,
    connectorArn: connectorArn(name),
    configBucket: bucket,
    configKey: `debezium/${name}.json`,
    workerLogGroup: logs.LogGroup.fromLogGroupName(stack, `${name}-logs`, `/msk-connect/${name}`),
    serviceExecutionRole: role,
    ...overrides,
  });
}
