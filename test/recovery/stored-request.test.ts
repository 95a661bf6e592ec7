import { createConnectorRequest } from './fixtures';
import { fingerprintOf } from '../../src/recovery/request-drift';
import { checkConnectorConfig, setsOffsetStorageTopic, workerConfigurationOf } from '../../src/recovery/stored-request';

const ROLE = 'arn:aws:iam::123456789012:role/orders-cdc-connector';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:123456789012:worker-configuration/orders-offsets/0c8fa0a6-1111-2222-3333-444455556666-2';
const EXPECTED = { connectorName: 'orders-cdc', serviceExecutionRoleArn: ROLE };
const WORKER_PROPERTIES = [
  'key.converter=org.apache.kafka.connect.storage.StringConverter',
  'value.converter=org.apache.kafka.connect.storage.StringConverter',
  'offset.storage.topic=__orders_cdc_offsets',
].join('\n');

/** Values that must never appear in a problem message: the request carries credentials. */
const SECRETS = ['hunter2', 'debezium_user', 'orders-db.cluster-abc.eu-west-1.rds.amazonaws.com'];

type Json = Record<string, unknown>;

/** A complete, valid CreateConnector request for the guarded connector. */
function request(): Json {
  return createConnectorRequest({
    name: 'orders-cdc',
    roleArn: ROLE,
    workerConfigurationArn: WORKER_ARN,
    connectorConfiguration: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': SECRETS[2],
      'database.user': SECRETS[1],
      'database.password': SECRETS[0],
      'topic.prefix': 'orders',
    },
  });
}

/** The request with one change applied to a copy (a `path` set to `value`, or deleted when `value` is undefined). */
function requestWith(path: string, value: unknown): Json {
  const copy = JSON.parse(JSON.stringify(request())) as Json;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) {
    target = target[key] as Json;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) {
    delete target[last];
  } else {
    target[last] = value;
  }
  return copy;
}

describe('checkConnectorConfig', () => {
  test('a valid request with an offset-storage worker configuration is usable and keeps offsets', () => {
    // WHEN
    const check = checkConnectorConfig(JSON.stringify(request()), EXPECTED, WORKER_PROPERTIES);

    // THEN
    expect(check).toEqual({ problems: [], offsetsPreserved: true, request: request(), fingerprint: fingerprintOf(request()) });
  });

  test.each([
    { case: 'auto scaling instead of provisioned capacity', text: JSON.stringify(requestWith('capacity', { autoScaling: { mcuCount: 2, minWorkerCount: 1, maxWorkerCount: 2 } })) },
    {
      case: 'auto scaling with scale policies',
      text: JSON.stringify(requestWith('capacity', {
        autoScaling: {
          mcuCount: 1,
          minWorkerCount: 1,
          maxWorkerCount: 4,
          scaleInPolicy: { cpuUtilizationPercentage: 20 },
          scaleOutPolicy: { cpuUtilizationPercentage: 80 },
        },
      })),
    },
    { case: 'several plugins', text: JSON.stringify(requestWith('plugins', [request().plugins, request().plugins].flat())) },
    { case: 'no security groups (optional in the API)', text: JSON.stringify(requestWith('kafkaCluster.apacheKafkaCluster.vpc.securityGroups', undefined)) },
    { case: 'empty connector configuration', text: JSON.stringify(requestWith('connectorConfiguration', {})) },
    { case: 'pretty-printed JSON with a BOM-free trailing newline', text: JSON.stringify(request(), undefined, 2) + '\n' },
  ])('accepts $case', ({ text }) => {
    const check = checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES);
    expect(check.problems).toEqual([]);
    expect(check.request).toEqual(JSON.parse(text));
    expect(check.offsetsPreserved).toBe(true);
  });

  test.each([
    {
      case: 'the object does not exist',
      text: undefined,
      problem: 'the CreateConnector request could not be read from S3 (the object does not exist, or the guard may not read it); upload it to the configured bucket and key, readable by the recovery role',
    },
    {
      case: 'the object is not JSON',
      text: '{"connectorName": "orders-cdc", "database.password": "hunter2"',
      problem: 'the CreateConnector request in S3 is not valid JSON; fix the object so that `JSON.parse` accepts it',
    },
    { case: 'the object is empty', text: '', problem: 'the CreateConnector request in S3 is not valid JSON; fix the object so that `JSON.parse` accepts it' },
    { case: 'the JSON is an array', text: '[{"connectorName":"orders-cdc"}]', problem: 'the CreateConnector request in S3 must be a JSON object, got an array' },
    { case: 'the JSON is null', text: 'null', problem: 'the CreateConnector request in S3 must be a JSON object, got null' },
    { case: 'the JSON is a string', text: '"hunter2"', problem: 'the CreateConnector request in S3 must be a JSON object, got a string' },
    { case: 'the JSON is a number', text: '42', problem: 'the CreateConnector request in S3 must be a JSON object, got a number' },
    { case: 'the JSON is a boolean', text: 'true', problem: 'the CreateConnector request in S3 must be a JSON object, got a boolean' },
  ])('refuses when $case', ({ text, problem }) => {
    // WHEN (offset storage would be fine: it must not matter)
    const check = checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES);

    // THEN
    expect(check).toEqual({ problems: [problem], offsetsPreserved: false });
    expect(check.request).toBeUndefined();
  });

  test.each([
    { case: 'capacity missing', path: 'capacity', value: undefined, problem: 'capacity is required and must be an object' },
    { case: 'capacity not an object', path: 'capacity', value: 'provisioned', problem: 'capacity is required and must be an object' },
    {
      case: 'both capacity modes',
      path: 'capacity',
      value: { autoScaling: { minWorkerCount: 1, maxWorkerCount: 2 }, provisionedCapacity: { workerCount: 1 } },
      problem: 'capacity must set exactly one of autoScaling or provisionedCapacity, got both',
    },
    { case: 'no capacity mode', path: 'capacity', value: {}, problem: 'capacity must set exactly one of autoScaling or provisionedCapacity, got neither' },
    { case: 'connector configuration missing', path: 'connectorConfiguration', value: undefined, problem: 'connectorConfiguration is required and must be an object' },
    { case: 'connector configuration is a list', path: 'connectorConfiguration', value: ['a=b'], problem: 'connectorConfiguration is required and must be an object' },
    {
      case: 'connector configuration with a number value',
      path: 'connectorConfiguration',
      value: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': 1 },
      problem: 'connectorConfiguration must map strings to strings',
    },
    { case: 'connector name missing', path: 'connectorName', value: undefined, problem: 'connectorName is required and must be a non-empty string' },
    { case: 'connector name empty', path: 'connectorName', value: '', problem: 'connectorName is required and must be a non-empty string' },
    { case: 'connector name not a string', path: 'connectorName', value: 7, problem: 'connectorName is required and must be a non-empty string' },
    {
      case: 'connector name of another connector',
      path: 'connectorName',
      value: 'payments-cdc',
      problem: 'connectorName must equal the guarded connector "orders-cdc"; the stored request names another connector',
    },
    {
      case: 'connector name differing only in case',
      path: 'connectorName',
      value: 'Orders-CDC',
      problem: 'connectorName must equal the guarded connector "orders-cdc"; the stored request names another connector',
    },
    {
      case: 'kafka cluster missing',
      path: 'kafkaCluster',
      value: undefined,
      problems: [
        'kafkaCluster.apacheKafkaCluster.bootstrapServers is required and must be a non-empty string',
        'kafkaCluster.apacheKafkaCluster.vpc is required and must be an object',
      ],
    },
    {
      case: 'bootstrap servers empty',
      path: 'kafkaCluster.apacheKafkaCluster.bootstrapServers',
      value: '',
      problem: 'kafkaCluster.apacheKafkaCluster.bootstrapServers is required and must be a non-empty string',
    },
    {
      case: 'vpc missing',
      path: 'kafkaCluster.apacheKafkaCluster.vpc',
      value: undefined,
      problem: 'kafkaCluster.apacheKafkaCluster.vpc is required and must be an object',
    },
    {
      case: 'subnets missing',
      path: 'kafkaCluster.apacheKafkaCluster.vpc.subnets',
      value: undefined,
      problem: 'kafkaCluster.apacheKafkaCluster.vpc.subnets is required and must be a list of subnet IDs',
    },
    {
      case: 'subnets empty',
      path: 'kafkaCluster.apacheKafkaCluster.vpc.subnets',
      value: [],
      problem: 'kafkaCluster.apacheKafkaCluster.vpc.subnets is required and must be a list of subnet IDs',
    },
    {
      case: 'subnets not strings',
      path: 'kafkaCluster.apacheKafkaCluster.vpc.subnets',
      value: [1, 2],
      problem: 'kafkaCluster.apacheKafkaCluster.vpc.subnets is required and must be a list of subnet IDs',
    },
    {
      case: 'subnets a single string',
      path: 'kafkaCluster.apacheKafkaCluster.vpc.subnets',
      value: 'subnet-0aaa',
      problem: 'kafkaCluster.apacheKafkaCluster.vpc.subnets is required and must be a list of subnet IDs',
    },
    {
      case: 'client authentication missing',
      path: 'kafkaClusterClientAuthentication',
      value: undefined,
      problem: 'kafkaClusterClientAuthentication.authenticationType is required and must be one of IAM, NONE',
    },
    {
      case: 'encryption in transit missing',
      path: 'kafkaClusterEncryptionInTransit.encryptionType',
      value: undefined,
      problem: 'kafkaClusterEncryptionInTransit.encryptionType is required and must be one of TLS, PLAINTEXT',
    },
    // What CreateConnector refuses must be refused before the delete, nested fields included.
    { case: 'an unknown authentication type', path: 'kafkaClusterClientAuthentication.authenticationType', value: 'SASL', problem: 'kafkaClusterClientAuthentication.authenticationType is required and must be one of IAM, NONE' },
    { case: 'a version MSK Connect does not name so', path: 'kafkaConnectVersion', value: 'banana', problem: 'kafkaConnectVersion must be a Kafka Connect version as MSK Connect names it (for example 2.7.1 or 3.7.x)' },
    {
      case: 'an empty plugin',
      path: 'plugins',
      value: [{}],
      problems: ['plugins.0.customPlugin.customPluginArn is required and must be a non-empty string', 'plugins.0.customPlugin.revision is required and must be an integer from 1 to 9007199254740991'],
    },
    { case: 'a plugin revision 0', path: 'plugins', value: [{ customPlugin: { customPluginArn: 'arn:p', revision: 0 } }], problem: 'plugins.0.customPlugin.revision is required and must be an integer from 1 to 9007199254740991' },
    {
      case: 'empty provisioned capacity',
      path: 'capacity',
      value: { provisionedCapacity: {} },
      problems: ['capacity.provisionedCapacity.mcuCount is required and must be one of 1, 2, 4, 8', 'capacity.provisionedCapacity.workerCount is required and must be an integer from 1 to 10'],
    },
    { case: '3 MCUs', path: 'capacity', value: { provisionedCapacity: { mcuCount: 3, workerCount: 1 } }, problem: 'capacity.provisionedCapacity.mcuCount is required and must be one of 1, 2, 4, 8' },
    { case: '11 workers', path: 'capacity', value: { provisionedCapacity: { mcuCount: 1, workerCount: 11 } }, problem: 'capacity.provisionedCapacity.workerCount is required and must be an integer from 1 to 10' },
    { case: 'auto scaling null beside provisioned capacity', path: 'capacity', value: { provisionedCapacity: { mcuCount: 1, workerCount: 1 }, autoScaling: null }, problems: [] },
    {
      case: 'auto scaling with min above max and a 0 % policy',
      path: 'capacity',
      value: { autoScaling: { mcuCount: 1, minWorkerCount: 3, maxWorkerCount: 2, scaleInPolicy: { cpuUtilizationPercentage: 0 } } },
      problems: ['capacity.autoScaling.scaleInPolicy.cpuUtilizationPercentage is required and must be an integer from 1 to 100', 'capacity.autoScaling.minWorkerCount must not exceed maxWorkerCount'],
    },
    { case: 'a worker configuration without revision', path: 'workerConfiguration.revision', value: undefined, problem: 'workerConfiguration.revision is required and must be an integer from 1 to 9007199254740991' },
    { case: 'Kafka Connect version missing', path: 'kafkaConnectVersion', value: undefined, problem: 'kafkaConnectVersion is required and must be a non-empty string' },
    { case: 'plugins missing', path: 'plugins', value: undefined, problem: 'plugins is required and must list at least one custom plugin' },
    { case: 'plugins empty', path: 'plugins', value: [], problem: 'plugins is required and must list at least one custom plugin' },
    { case: 'plugins an object', path: 'plugins', value: { customPlugin: {} }, problem: 'plugins is required and must list at least one custom plugin' },
    {
      case: 'role missing',
      path: 'serviceExecutionRoleArn',
      value: undefined,
      problem: 'serviceExecutionRoleArn is required and must be a non-empty string',
    },
    {
      case: 'role other than the guard may pass',
      path: 'serviceExecutionRoleArn',
      value: 'arn:aws:iam::123456789012:role/admin',
      problem: 'serviceExecutionRoleArn must equal the role given to the guard as serviceExecutionRole; the guard may pass no other role',
    },
  ])('refuses a request with $case', ({ path, value, problem, problems }) => {
    // GIVEN
    const copy = requestWith(path, value);

    // WHEN
    const check = checkConnectorConfig(JSON.stringify(copy), EXPECTED, WORKER_PROPERTIES);

    // THEN: unusable (unless no problem is expected), and the offset verdict is still reported
    const expected = problems ?? [problem];
    expect(check.problems).toEqual(expected);
    expect(check.request).toEqual(expected.length === 0 ? copy : undefined);
  });

  test('names every problem at once, in a stable order', () => {
    // GIVEN
    const broken = {
      ...request(),
      capacity: { autoScaling: {}, provisionedCapacity: {} },
      connectorName: 'payments-cdc',
      kafkaConnectVersion: '',
      plugins: [],
      serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/other',
    };

    // WHEN
    const check = checkConnectorConfig(JSON.stringify(broken), EXPECTED, undefined);

    // THEN
    expect(check).toEqual({
      problems: [
        'capacity must set exactly one of autoScaling or provisionedCapacity, got both',
        'connectorName must equal the guarded connector "orders-cdc"; the stored request names another connector',
        'kafkaConnectVersion is required and must be a non-empty string',
        'plugins is required and must list at least one custom plugin',
        'serviceExecutionRoleArn must equal the role given to the guard as serviceExecutionRole; the guard may pass no other role',
      ],
      offsetsPreserved: false,
      offsetsProblem: 'the stored request\'s worker configuration could not be read at the revision it names (it does not exist, or that revision is not its latest: only the latest can be read)',
    });
  });

  const UNREADABLE = 'the stored request\'s worker configuration could not be read at the revision it names (it does not exist, or that revision is not its latest: only the latest can be read)';
  const NO_TOPIC = 'the stored request\'s worker configuration does not set offset.storage.topic';
  const NO_WORKER = 'the stored request names no worker configuration, so the new connector would keep its offsets in a new topic of its own';
  test.each([
    { case: 'worker configuration sets offset.storage.topic', workerConfiguration: true, properties: WORKER_PROPERTIES, problem: undefined },
    { case: 'worker properties could not be read', workerConfiguration: true, properties: undefined, problem: UNREADABLE },
    { case: 'worker configuration without offset.storage.topic', workerConfiguration: true, properties: 'key.converter=x\nvalue.converter=y', problem: NO_TOPIC },
    { case: 'offset.storage.topic only commented out', workerConfiguration: true, properties: '# offset.storage.topic=__offsets', problem: NO_TOPIC },
    { case: 'request names no worker configuration', workerConfiguration: false, properties: WORKER_PROPERTIES, problem: NO_WORKER },
    { case: 'no worker configuration and no properties', workerConfiguration: false, properties: undefined, problem: NO_WORKER },
  ])('offsets preserved: $case', ({ workerConfiguration, properties, problem }) => {
    // GIVEN
    const text = JSON.stringify(workerConfiguration ? request() : requestWith('workerConfiguration', undefined));

    // WHEN
    const check = checkConnectorConfig(text, EXPECTED, properties);

    // THEN: a valid request stays usable either way; only the offset verdict changes
    const offsets = problem === undefined ? { offsetsPreserved: true } : { offsetsPreserved: false, offsetsProblem: problem };
    expect(check).toEqual({ problems: [], ...offsets, request: JSON.parse(text), fingerprint: fingerprintOf(JSON.parse(text)) });
  });

  test('a field the guard does not compare with the running connector is refused: it could reshape the re-created connector unseen', () => {
    const check = checkConnectorConfig(JSON.stringify({ ...request(), futureField: { reshapes: 'everything' }, also: 1 }), EXPECTED, WORKER_PROPERTIES);
    expect(check.request).toBeUndefined();
    expect(check.problems).toEqual([
      '"futureField", "also" are not fields the guard compares with the running connector (connectorName, capacity, connectorConfiguration, '
      + 'connectorDescription, kafkaCluster, kafkaClusterClientAuthentication, kafkaClusterEncryptionInTransit, kafkaConnectVersion, logDelivery, '
      + 'networkType, plugins, serviceExecutionRoleArn, workerConfiguration, tags); remove them',
    ]);
  });

  test('no problem message ever echoes a value from the request', () => {
    // GIVEN requests that break every rule while carrying secrets in every string field
    const texts = [
      JSON.stringify({
        ...request(),
        connectorName: SECRETS[0],
        serviceExecutionRoleArn: SECRETS[1],
        capacity: { autoScaling: SECRETS[2], provisionedCapacity: SECRETS[0] },
      }),
      JSON.stringify({ ...request(), connectorConfiguration: { 'database.password': SECRETS[0], 'database.port': 3306 }, kafkaConnectVersion: 7 }),
      JSON.stringify({
        ...request(),
        plugins: SECRETS[0],
        kafkaCluster: { apacheKafkaCluster: { bootstrapServers: SECRETS[2], vpc: { subnets: SECRETS[1] } } },
      }),
      JSON.stringify([SECRETS[0]]),
      `{"database.password": "${SECRETS[0]}",`,
      JSON.stringify(SECRETS[0]),
    ];
    for (const text of texts) {
      // WHEN
      const check = checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES);

      // THEN
      expect(check.problems.length).toBeGreaterThan(0);
      for (const secret of SECRETS) {
        expect(check.problems.join('\n')).not.toContain(secret);
      }
    }
  });
});

describe('workerConfigurationOf', () => {
  test.each([
    { case: 'a request naming a worker configuration', text: JSON.stringify(request()), expected: { arn: WORKER_ARN, revision: 2 } },
    { case: 'a request naming none', text: JSON.stringify(requestWith('workerConfiguration', undefined)), expected: undefined },
    { case: 'revision as a string', text: JSON.stringify(requestWith('workerConfiguration.revision', '2')), expected: undefined },
    { case: 'revision missing', text: JSON.stringify(requestWith('workerConfiguration.revision', undefined)), expected: undefined },
    { case: 'ARN missing', text: JSON.stringify(requestWith('workerConfiguration.workerConfigurationArn', undefined)), expected: undefined },
    { case: 'not JSON', text: '{"workerConfiguration":', expected: undefined },
    { case: 'no object', text: undefined, expected: undefined },
    { case: 'JSON null', text: 'null', expected: undefined },
  ])('$case', ({ text, expected }) => {
    expect(workerConfigurationOf(text)).toEqual(expected);
  });
});

describe('setsOffsetStorageTopic', () => {
  test.each([
    { case: 'key=value', properties: 'offset.storage.topic=__offsets', expected: true },
    { case: 'spaces around "="', properties: 'offset.storage.topic = __offsets', expected: true },
    { case: 'key:value', properties: 'offset.storage.topic:__offsets', expected: true },
    { case: 'indented line', properties: '   offset.storage.topic=__offsets', expected: true },
    { case: 'among other lines', properties: 'a=b\noffset.storage.topic=__offsets\nc=d', expected: true },
    { case: 'CRLF line endings', properties: 'a=b\r\noffset.storage.topic=__offsets\r\nc=d', expected: true },
    { case: 'commented with "#"', properties: '#offset.storage.topic=__offsets', expected: false },
    { case: 'commented with "!"', properties: '! offset.storage.topic=__offsets', expected: false },
    { case: 'empty value', properties: 'offset.storage.topic=', expected: false },
    { case: 'blank value', properties: 'offset.storage.topic =   ', expected: false },
    { case: 'a longer key', properties: 'offset.storage.topics=__offsets', expected: false },
    { case: 'a prefixed key', properties: 'consumer.offset.storage.topic=__offsets', expected: false },
    { case: 'other offset settings only', properties: 'offset.storage.replication.factor=3\noffset.flush.interval.ms=10000', expected: false },
    { case: 'empty text', properties: '', expected: false },
  ])('$case', ({ properties, expected }) => {
    expect(setsOffsetStorageTopic(properties)).toBe(expected);
  });
});

describe('review fixes', () => {
  test('offsets are preserved only when the running connector uses the same worker configuration, revision and Kafka cluster', () => {
    const text = JSON.stringify(request());
    const LIVE = { workerConfigurationArn: WORKER_ARN, workerConfigurationRevision: 2, bootstrapServers: 'b-1.msk.example.com:9098' };
    const OTHER_WORKER = 'the running connector uses another worker configuration or revision than the stored request, so its offsets are not in the topic the new connector would read';
    const OTHER_CLUSTER = 'the stored request names other bootstrap servers than the running connector uses, so its offsets are on another Kafka cluster';
    const problemWith = (live: Partial<typeof LIVE> | undefined) => checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES, live).offsetsProblem;
    expect(problemWith(LIVE)).toBeUndefined();
    expect(checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES, LIVE).offsetsPreserved).toBe(true);
    expect(problemWith({ ...LIVE, workerConfigurationArn: undefined })).toBe(OTHER_WORKER);
    expect(problemWith({ ...LIVE, workerConfigurationArn: `${WORKER_ARN}-other` })).toBe(OTHER_WORKER);
    // The running connector still on revision 1 (say, without offset.storage.topic) while the request names revision 2.
    expect(problemWith({ ...LIVE, workerConfigurationRevision: 1 })).toBe(OTHER_WORKER);
    expect(problemWith({ ...LIVE, bootstrapServers: 'b-1.other-cluster.example.com:9098' })).toBe(OTHER_CLUSTER);
    expect(problemWith({ ...LIVE, bootstrapServers: undefined })).toBe(OTHER_CLUSTER);
    // The same brokers in another order are the same cluster.
    const twoBrokers = JSON.stringify(requestWith('kafkaCluster.apacheKafkaCluster.bootstrapServers', 'b-1.x:9098,b-2.x:9098'));
    expect(checkConnectorConfig(twoBrokers, EXPECTED, WORKER_PROPERTIES, { ...LIVE, bootstrapServers: 'b-2.x:9098, b-1.x:9098' }).offsetsPreserved).toBe(true);
    // No live connector (already deleted): only the stored request counts.
    expect(checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES, undefined).offsetsPreserved).toBe(true);
  });

  test.each(['s3', 'firehose'])('worker logs delivered to %s: refused (the guard could not re-create it)', (destination) => {
    const text = JSON.stringify(requestWith('logDelivery', { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: 'l' }, [destination]: { enabled: true } } }));
    expect(checkConnectorConfig(text, EXPECTED, WORKER_PROPERTIES).problems).toEqual([
      `logDelivery.workerLogDelivery.${destination} is enabled; the guard can only re-create connectors that deliver worker logs to CloudWatch Logs`,
    ]);
  });
});
