import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { DebeziumSilentFailureGuardProps } from '../../src';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-2';
export const ORDERS_ARN = `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/msk-connect-orders`;

/** A stack in the connector's account and Region, as most consumers have it. */
export function newStack(env: { account?: string; region?: string } | undefined = { account: ACCOUNT, region: REGION }, app = new App()): Stack {
  return new Stack(app, 'TestStack', { env });
}

/** The README's quick-start props, with imported bucket, log group and role. */
export function quickStartProps(stack: Stack, overrides: Partial<DebeziumSilentFailureGuardProps> = {}): DebeziumSilentFailureGuardProps {
  return {
    connectorArn: ORDERS_ARN,
    configBucket: s3.Bucket.fromBucketName(stack, `Bucket${stack.node.children.length}`, 'connector-configs'),
    configKey: 'debezium/orders-cdc.json',
    workerLogGroup: logs.LogGroup.fromLogGroupName(stack, `Logs${stack.node.children.length}`, '/msk-connect/orders-cdc'),
    serviceExecutionRole: iam.Role.fromRoleArn(stack, `Role${stack.node.children.length}`, ROLE_ARN),
    alertEmails: ['oncall@example.com'],
    ...overrides,
  };
}
