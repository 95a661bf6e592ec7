import { compareWithRunning, fingerprintDifferences, fingerprintOf, isMasked } from '../../src/recovery/request-drift';

const BASE = {
  capacity: { provisionedCapacity: { mcuCount: 1, workerCount: 1 } },
  connectorConfiguration: { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'database.password': 'hunter2' },
  connectorName: 'orders-cdc',
  kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-1:9098,b-2:9098', vpc: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-a'] } } },
  kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
  kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
  kafkaConnectVersion: '3.7.x',
  plugins: [{ customPlugin: { customPluginArn: 'arn:p1', revision: 1 } }, { customPlugin: { customPluginArn: 'arn:p2', revision: 4 } }],
  serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/connector',
  workerConfiguration: { workerConfigurationArn: 'arn:w', revision: 2 },
};

describe('compareWithRunning', () => {
  test('the same connector: no difference', () => {
    expect(compareWithRunning(BASE, BASE, {})).toEqual({ differences: [], uncompared: [] });
  });

  test('equal meanings compare equal: order of brokers, subnets and plugins, string switches, disabled log destinations, default network type, empty description', () => {
    const running = {
      ...BASE,
      connectorDescription: '',
      kafkaCluster: { apacheKafkaCluster: { bootstrapServers: 'b-2:9098, b-1:9098', vpc: { securityGroups: ['sg-a'], subnets: ['subnet-b', 'subnet-a'] } } },
      plugins: [...BASE.plugins].reverse(),
      logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: 'g' }, firehose: { enabled: false }, s3: { enabled: false } } },
      networkType: 'IPV4',
    };
    const stored = { ...BASE, logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: 'true', logGroup: 'g' } } } };
    expect(compareWithRunning(stored, running, {}).differences).toEqual([]);
    expect(fingerprintDifferences(fingerprintOf(stored), fingerprintOf(running))).toEqual([]);
  });

  test('auto scaling: the scale policies\' defaults (20 %, 80 %) and a derived maxAutoscalingTaskCount are not differences', () => {
    const stored = { ...BASE, capacity: { autoScaling: { mcuCount: 1, minWorkerCount: 1, maxWorkerCount: 2 } } };
    const running = {
      ...BASE,
      capacity: {
        autoScaling: {
          mcuCount: 1,
          minWorkerCount: 1,
          maxWorkerCount: 2,
          maxAutoscalingTaskCount: 2,
          scaleInPolicy: { cpuUtilizationPercentage: 20 },
          scaleOutPolicy: { cpuUtilizationPercentage: 80 },
        },
      },
    };
    expect(compareWithRunning(stored, running, {}).differences).toEqual([]);
    // The defaults spelled out in the stored request do not change its fingerprint either.
    const spelledOut = { ...stored, capacity: { autoScaling: { ...running.capacity.autoScaling, maxAutoscalingTaskCount: undefined } } };
    expect(fingerprintDifferences(fingerprintOf(stored), fingerprintOf(spelledOut))).toEqual([]);
    const tuned = { ...running, capacity: { autoScaling: { ...running.capacity.autoScaling, scaleOutPolicy: { cpuUtilizationPercentage: 60 } } } };
    expect(compareWithRunning(stored, tuned, {}).differences).toEqual(['capacity']);
    const capped = { ...stored, capacity: { autoScaling: { ...stored.capacity.autoScaling, maxAutoscalingTaskCount: 4 } } };
    expect(compareWithRunning(capped, running, {}).differences).toEqual(['capacity']);
  });

  test('every field CreateConnector takes and DescribeConnector returns is compared', () => {
    const running = {
      ...BASE,
      capacity: { autoScaling: { mcuCount: 1, minWorkerCount: 1, maxWorkerCount: 2 } },
      connectorDescription: 'now documented',
      kafkaCluster: { apacheKafkaCluster: { ...BASE.kafkaCluster.apacheKafkaCluster, bootstrapServers: 'b-9:9098' } },
      kafkaClusterClientAuthentication: { authenticationType: 'NONE' },
      kafkaClusterEncryptionInTransit: { encryptionType: 'PLAINTEXT' },
      kafkaConnectVersion: '2.7.1',
      logDelivery: { workerLogDelivery: { s3: { enabled: true, bucket: 'b' } } },
      networkType: 'DUAL',
      plugins: [BASE.plugins[0]],
      serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/other',
      workerConfiguration: undefined,
    };
    expect(compareWithRunning(BASE, running, {}).differences).toEqual([
      'capacity', 'connectorDescription', 'kafkaCluster', 'kafkaClusterClientAuthentication', 'kafkaClusterEncryptionInTransit',
      'kafkaConnectVersion', 'logDelivery', 'networkType', 'plugins', 'serviceExecutionRoleArn', 'workerConfiguration',
    ]);
  });

  test('configuration keys added, removed or changed are named, values never', () => {
    const running = { ...BASE, connectorConfiguration: { 'database.password': 'correct horse', 'snapshot.mode': 'never' } };
    const drift = compareWithRunning(BASE, running, {});
    expect(drift.differences).toEqual(['connectorConfiguration.connector.class', 'connectorConfiguration.database.password', 'connectorConfiguration.snapshot.mode']);
    expect(JSON.stringify(drift)).not.toMatch(/hunter2|correct horse|never|Postgres/);
  });

  test('a masked running value is compared by presence only, and reported', () => {
    const running = { ...BASE, connectorConfiguration: { ...BASE.connectorConfiguration, 'database.password': '****' } };
    expect(compareWithRunning(BASE, running, {})).toEqual({ differences: [], uncompared: ['connectorConfiguration.database.password'] });
    expect(isMasked('********')).toBe(true);
    expect(isMasked('**')).toBe(false);
  });

  test('tags: user tags compared by key, aws: system tags ignored, the CloudFormation stack reported', () => {
    const tags = { 'team': 'data', 'aws:cloudformation:stack-name': 'orders-stack', 'aws:cloudformation:logical-id': 'Connector' };
    expect(compareWithRunning(BASE, BASE, tags)).toEqual({ differences: ['tags.team'], uncompared: [], stack: 'orders-stack' });
    expect(compareWithRunning({ ...BASE, tags: { team: 'data' } }, BASE, tags).differences).toEqual([]);
    expect(compareWithRunning({ ...BASE, tags: { team: 'data', cost: 'x' } }, BASE, { team: 'data' }).differences).toEqual(['tags.cost']);
  });
});

describe('fingerprintOf', () => {
  test('one hash per field, no value, stable', () => {
    const print = fingerprintOf(BASE);
    expect(Object.keys(print).sort()).toEqual([
      'capacity', 'connectorConfiguration', 'connectorDescription', 'kafkaCluster', 'kafkaClusterClientAuthentication', 'kafkaClusterEncryptionInTransit',
      'kafkaConnectVersion', 'logDelivery', 'networkType', 'plugins', 'serviceExecutionRoleArn', 'tags', 'workerConfiguration',
    ]);
    expect(JSON.stringify(print)).not.toContain('hunter2');
    expect(fingerprintOf(JSON.parse(JSON.stringify(BASE)))).toEqual(print);
  });

  test('names each changed field', () => {
    const other = { ...BASE, kafkaClusterClientAuthentication: { authenticationType: 'NONE' }, tags: { a: 'b' } };
    expect(fingerprintDifferences(fingerprintOf(BASE), fingerprintOf(other))).toEqual(['kafkaClusterClientAuthentication', 'tags']);
    expect(fingerprintDifferences({ capacity: 'x' }, {})).toEqual(['capacity']);
  });
});
