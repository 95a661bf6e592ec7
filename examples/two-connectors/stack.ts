import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DebeziumGuardFleet, DebeziumSilentFailureGuard, KafkaConnectVersion, RecoveryStrategy } from 'cdk-debezium-guard';
import type { Construct } from 'constructs';

/**
 * Two Debezium connectors guarded in one stack by one fleet: the fleet holds the recovery function,
 * its table, its tick and the alert topic (the e-mails of a run come as one digest); each guard keeps
 * only its connector's signals and alarms. They share the bucket of stored CreateConnector requests
 * and the service execution role; each has its own worker log group.
 */
export class CdcGuardsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const configs = s3.Bucket.fromBucketName(this, 'ConnectorConfigs', 'acme-msk-connect-configs');
    const connectorRole = iam.Role.fromRoleArn(this, 'ConnectorRole', 'arn:aws:iam::123456789012:role/msk-connect-debezium', { mutable: false });
    const fleet = new DebeziumGuardFleet(this, 'CdcFleet', {
      alertEmails: ['data-platform-oncall@example.com'],
      recoveryStrategy: RecoveryStrategy.RESTART_THEN_RECREATE,
      createDashboard: true,
    });

    // A MySQL connector on Kafka Connect 3.7, with Debezium's Connected metric from a JMX exporter.
    new DebeziumSilentFailureGuard(this, 'OrdersCdcGuard', {
      fleet,
      connectorArn: 'arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3',
      configBucket: configs,
      configKey: 'debezium/orders-cdc.json',
      workerLogGroup: logs.LogGroup.fromLogGroupName(this, 'OrdersCdcLogs', '/msk-connect/orders-cdc'),
      serviceExecutionRole: connectorRole,
      connectedMetric: new cloudwatch.Metric({
        namespace: 'Debezium',
        metricName: 'Connected',
        dimensionsMap: { connector: 'orders-cdc' },
        statistic: cloudwatch.Stats.MINIMUM,
      }),
      connectedAlarm: { period: Duration.minutes(1) },
    });

    // A PostgreSQL connector still on Kafka Connect 2.7.1: its own signals, the fleet's recovery.
    new DebeziumSilentFailureGuard(this, 'PaymentsCdcGuard', {
      fleet,
      connectorArn: 'arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/payments-cdc/9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0-1',
      configBucket: configs,
      configKey: 'debezium/payments-cdc.json',
      workerLogGroup: logs.LogGroup.fromLogGroupName(this, 'PaymentsCdcLogs', '/msk-connect/payments-cdc'),
      serviceExecutionRole: connectorRole,
      kafkaConnectVersion: KafkaConnectVersion.V2_7_1,
      offsetCommitWindow: Duration.minutes(10),
    });
  }
}
