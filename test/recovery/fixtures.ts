/**
 * Fixtures shared by the recovery tests.
 */
import type { Settings } from '../../src/recovery/model';

const MIN = 60_000;

/** The decision tables' guard settings: restart then re-create, 3 attempts in 6 hours, 10 minutes to verify. */
export function tableSettings(connectorName: string): Settings {
  return {
    connectorName,
    strategy: 'RESTART_THEN_RECREATE',
    allowOffsetReset: false,
    cooldownMs: 5 * MIN,
    budget: 3,
    budgetWindowMs: 360 * MIN,
    verifyMs: 10 * MIN,
    operationTimeoutMs: 15 * MIN,
  };
}

/** What the tests' connectors differ in: who the connector is, the role it runs as, where its offsets live. */
export interface CreateConnectorRequestOptions {
  /** `connectorName`. */
  readonly name: string;
  /** `serviceExecutionRoleArn`. */
  readonly roleArn: string;
  /** `workerConfiguration.workerConfigurationArn`; the custom plugin is placed in the same Region and account. */
  readonly workerConfigurationArn: string;
  /** `connectorConfiguration`; by default only a Debezium MySQL `connector.class`. */
  readonly connectorConfiguration?: Record<string, string>;
}

/**
 * A complete, valid CreateConnector request, as the guard reads it from S3: a Debezium connector on an MSK
 * cluster with IAM authentication and TLS, one provisioned worker, one custom plugin, and the worker
 * configuration at revision 2 (the tests' worker configurations are at revision 2 too).
 *
 * @param overrides top-level fields to replace (or add)
 */
/** The Kafka cluster of every test request (and of the running connectors that use it). */
export const BOOTSTRAP_SERVERS = 'b-1.msk.example.com:9098';

export function createConnectorRequest(options: CreateConnectorRequestOptions, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const [, , , region, account] = options.workerConfigurationArn.split(':');
  return {
    capacity: { provisionedCapacity: { mcuCount: 1, workerCount: 1 } },
    connectorConfiguration: { ...(options.connectorConfiguration ?? { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector' }) },
    connectorName: options.name,
    kafkaCluster: { apacheKafkaCluster: { bootstrapServers: BOOTSTRAP_SERVERS, vpc: { subnets: ['subnet-0aaa'], securityGroups: ['sg-0bbb'] } } },
    kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
    kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
    kafkaConnectVersion: '3.7.x',
    plugins: [{ customPlugin: { customPluginArn: `arn:aws:kafkaconnect:${region}:${account}:custom-plugin/debezium/p-1`, revision: 1 } }],
    serviceExecutionRoleArn: options.roleArn,
    workerConfiguration: { workerConfigurationArn: options.workerConfigurationArn, revision: 2 },
    ...overrides,
  };
}
