import {
  CreateConnectorCommand,
  CreateConnectorCommandInput,
  DeleteConnectorCommand,
  DescribeConnectorCommand,
  DescribeConnectorOperationCommand,
  DescribeWorkerConfigurationCommand,
  KafkaConnectClient,
  ListConnectorOperationsCommand,
  ListConnectorsCommand,
  ListTagsForResourceCommand,
  paginateListConnectors,
  RestartConnectorCommand,
  UpdateConnectorCommand,
} from '@aws-sdk/client-kafkaconnect';
import { ACCOUNT, authHeader, connectorInput, credentials, errorOf, rawRequest, REGION } from './helpers';
import { AwsEmulator, FakeClock } from '../../tools/emulator';

describe('MSK Connect API surface', () => {
  let clock: FakeClock;
  let emulator: AwsEmulator;
  let kc: KafkaConnectClient;

  beforeEach(async () => {
    clock = new FakeClock();
    emulator = new AwsEmulator({ region: REGION, clock, listPageSize: 2, durations: { createMs: 1000, deleteMs: 1000, restartMs: 1000 } });
    kc = new KafkaConnectClient({ region: REGION, endpoint: await emulator.start(), credentials });
  });

  afterEach(async () => {
    kc.destroy();
    await emulator.stop();
  });

  const names = (list: { connectorName?: string }[] | undefined) => (list ?? []).map(c => c.connectorName);

  test('DescribeConnector and ListTagsForResource show the connector as updateConnector and tagConnector changed it', async () => {
    const arn = emulator.kafkaconnect.addConnector({ ...connectorInput('orders'), tags: { team: 'data' } }, { running: true });
    const before = await kc.send(new DescribeConnectorCommand({ connectorArn: arn }));
    emulator.kafkaconnect.updateConnector('orders', { connectorConfiguration: { 'connector.class': 'X', 'snapshot.mode': 'never' } });
    emulator.kafkaconnect.tagConnector('orders', { 'aws:cloudformation:stack-name': 'orders-stack' });

    const after = await kc.send(new DescribeConnectorCommand({ connectorArn: arn }));
    expect(after.connectorConfiguration).toEqual({ 'connector.class': 'X', 'snapshot.mode': 'never' });
    expect(after.currentVersion).not.toBe(before.currentVersion);
    expect(after.capacity).toEqual(before.capacity);
    const tags = await kc.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual({ 'team': 'data', 'aws:cloudformation:stack-name': 'orders-stack' });
    const missing = arn.replace(/[^/]+$/, 'nope');
    expect(await errorOf(() => kc.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toMatchObject({ name: 'NotFoundException' });
  });

  test('RestartConnector with onlyFailedTasks: accepted on 3.7.x, BadRequest on 2.7.1', async () => {
    const old = emulator.kafkaconnect.addConnector(connectorInput('orders'), { running: true });
    const current = emulator.kafkaconnect.addConnector({ ...connectorInput('payments'), kafkaConnectVersion: '3.7.x' }, { running: true });
    const restarted = kc.send(new RestartConnectorCommand({ connectorArn: current, onlyFailedTasks: true }));
    await expect(restarted).resolves.toMatchObject({ connectorArn: current });
    expect(await errorOf(() => kc.send(new RestartConnectorCommand({ connectorArn: old, onlyFailedTasks: true })))).toMatchObject({
      name: 'BadRequestException', message: 'onlyFailedTasks requires Kafka Connect 3.7 or later; connector orders runs 2.7.1.',
    });
    await expect(kc.send(new RestartConnectorCommand({ connectorArn: old }))).resolves.toMatchObject({ connectorArn: old });
  });

  test('ListConnectors: prefix match, exact-name filtering, default page size and pagination', async () => {
    for (const name of ['orders', 'orders-v2', 'ordersx', 'payments', 'orders-v3']) {
      emulator.kafkaconnect.addConnector(connectorInput(name), { running: true });
    }

    const first = await kc.send(new ListConnectorsCommand({ connectorNamePrefix: 'orders' }));
    expect(names(first.connectors)).toEqual(['orders', 'orders-v2']); // listPageSize 2
    expect(first.nextToken).toBeDefined();
    expect(first.connectors?.[0]).toMatchObject({ connectorState: 'RUNNING', kafkaConnectVersion: '2.7.1' });
    expect(first.connectors?.[0].creationTime).toBeInstanceOf(Date);

    const all: string[] = [];
    for await (const page of paginateListConnectors({ client: kc }, { connectorNamePrefix: 'orders' })) {
      all.push(...names(page.connectors) as string[]);
    }
    expect(all).toEqual(['orders', 'orders-v2', 'orders-v3', 'ordersx']);
    // Callers wanting one exact name must filter the prefix matches themselves.
    expect(all.filter(n => n === 'orders')).toEqual(['orders']);

    const big = await kc.send(new ListConnectorsCommand({ maxResults: 100 }));
    expect(names(big.connectors)).toHaveLength(5);
    expect(big.nextToken).toBeUndefined();

    const none = await kc.send(new ListConnectorsCommand({ connectorNamePrefix: 'nope' }));
    expect(none.connectors).toEqual([]);
  });

  test('ListConnectors pages stay stable when a connector is deleted between pages', async () => {
    for (const name of ['a', 'b', 'c', 'd']) {
      emulator.kafkaconnect.addConnector(connectorInput(name), { running: true });
    }
    const page1 = await kc.send(new ListConnectorsCommand({}));
    expect(names(page1.connectors)).toEqual(['a', 'b']);
    emulator.kafkaconnect.forceState('a', 'DELETING', 0);
    const page2 = await kc.send(new ListConnectorsCommand({ nextToken: page1.nextToken }));
    expect(names(page2.connectors)).toEqual(['c', 'd']);
  });

  test('ListConnectors rejects a bad nextToken / maxResults with BadRequestException', async () => {
    expect((await errorOf(() => kc.send(new ListConnectorsCommand({ nextToken: 'garbage!' })))).name).toBe('BadRequestException');
    expect((await errorOf(() => kc.send(new ListConnectorsCommand({ maxResults: 0 })))).name).toBe('BadRequestException');
  });

  test('ConflictException on a duplicate name, including while the old one is DELETING', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('dup'), { running: true });
    const err = await errorOf(() => kc.send(new CreateConnectorCommand(connectorInput('dup'))));
    expect(err.name).toBe('ConflictException');
    expect(err.$metadata?.httpStatusCode).toBe(409);
    expect(err.message).toMatch(/already exists/);

    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    expect((await errorOf(() => kc.send(new CreateConnectorCommand(connectorInput('dup'))))).name).toBe('ConflictException');
    clock.advance(1000);
    await kc.send(new CreateConnectorCommand(connectorInput('dup')));
  });

  test('RestartConnector is BadRequest unless RUNNING (CREATING, RESTARTING, DELETING)', async () => {
    const { connectorArn } = await kc.send(new CreateConnectorCommand(connectorInput('r')));
    const restart = () => kc.send(new RestartConnectorCommand({ connectorArn }));
    const creating = await errorOf(restart);
    expect(creating.name).toBe('BadRequestException');
    expect(creating.$metadata?.httpStatusCode).toBe(400);
    expect(creating.message).toMatch(/CREATING/);

    clock.advance(1000);
    await restart();
    expect((await errorOf(restart)).message).toMatch(/RESTARTING/);
    clock.advance(1000);
    await kc.send(new DeleteConnectorCommand({ connectorArn }));
    expect((await errorOf(restart)).message).toMatch(/DELETING/);
  });

  test('DeleteConnector: BadRequest while DELETING or on a stale currentVersion; NotFound for unknown ARNs', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('d'), { running: true });
    const stale = await errorOf(() => kc.send(new DeleteConnectorCommand({ connectorArn: arn, currentVersion: 'STALE' })));
    expect(stale.name).toBe('BadRequestException');
    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    const twice = await errorOf(() => kc.send(new DeleteConnectorCommand({ connectorArn: arn })));
    expect(twice.name).toBe('BadRequestException');

    const unknownArn = `${arn}-nope`;
    expect((await errorOf(() => kc.send(new DeleteConnectorCommand({ connectorArn: unknownArn })))).name).toBe('NotFoundException');
    expect((await errorOf(() => kc.send(new ListConnectorOperationsCommand({ connectorArn: unknownArn })))).name).toBe('NotFoundException');
  });

  describe('malformed ARNs are BadRequestException (400), well-formed unknown ones NotFoundException (404)', () => {
    const prefix = `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}`;
    const malformedConnectorArns: [string, string][] = [
      ['garbage', 'garbage'],
      ['no connector id', `${prefix}:connector/orders`],
      ['another service', `arn:aws:kafka:${REGION}:${ACCOUNT}:connector/orders/abc-1`],
      ['a short account id', `arn:aws:kafkaconnect:${REGION}:1234:connector/orders/abc-1`],
      ['no region', `arn:aws:kafkaconnect::${ACCOUNT}:connector/orders/abc-1`],
      ['an operation ARN', `${prefix}:connector-operation/orders/abc-1/op-1`],
      ['a worker-configuration ARN', `${prefix}:worker-configuration/wc/abc-1`],
      ['an extra path segment', `${prefix}:connector/orders/abc-1/extra`],
    ];
    const connectorOperations: [string, (connectorArn: string) => Promise<unknown>][] = [
      ['DescribeConnector', (connectorArn) => kc.send(new DescribeConnectorCommand({ connectorArn }))],
      ['RestartConnector', (connectorArn) => kc.send(new RestartConnectorCommand({ connectorArn }))],
      ['DeleteConnector', (connectorArn) => kc.send(new DeleteConnectorCommand({ connectorArn }))],
      ['ListConnectorOperations', (connectorArn) => kc.send(new ListConnectorOperationsCommand({ connectorArn }))],
    ];
    const cases = connectorOperations.flatMap(([operation, call]) =>
      malformedConnectorArns.map(([what, arn]) => ({ operation, call, what, arn })));

    test.each(cases)('$operation with $what', async ({ operation, call, arn }) => {
      const live = emulator.kafkaconnect.addConnector(connectorInput('orders'), { running: true });
      const err = await errorOf(() => call(arn));
      expect(err.name).toBe('BadRequestException');
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.$metadata?.attempts).toBe(1); // a 400 is not retried
      expect(err.message).toBe(`${arn} is not a valid connector ARN.`);
      expect(emulator.requests.of('kafkaconnect', operation).map((r) => [r.status, r.errorCode])).toEqual([[400, 'BadRequestException']]);
      // Nothing was touched.
      expect(emulator.kafkaconnect.connector('orders')).toMatchObject({ arn: live, state: 'RUNNING' });
      expect(emulator.kafkaconnect.operations('orders')).toEqual([]);
    });

    test.each(connectorOperations)('%s with a well-formed ARN of no connector is NotFoundException', async (_operation, call) => {
      for (const arn of [
        `${prefix}:connector/orders/00000000-0000-4000-8000-000000000000-9`,
        `arn:aws:kafkaconnect:us-east-1:${ACCOUNT}:connector/x/y`,
        // other partitions and longer region prefixes are well-formed too
        `arn:aws-us-gov:kafkaconnect:us-gov-west-1:${ACCOUNT}:connector/orders.v2_x/y`,
        `arn:aws-eusc:kafkaconnect:eusc-de-east-1:${ACCOUNT}:connector/x/y`,
      ]) {
        const err = await errorOf(() => call(arn));
        expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['NotFoundException', 404]);
      }
    });

    test('DescribeConnectorOperation checks the operation ARN shape', async () => {
      const connectorArn = emulator.kafkaconnect.addConnector(connectorInput('orders'), { running: true });
      const { connectorOperationArn } = await kc.send(new RestartConnectorCommand({ connectorArn }));
      const describeOp = (arn: string) => kc.send(new DescribeConnectorOperationCommand({ connectorOperationArn: arn }));
      expect((await describeOp(connectorOperationArn!)).connectorOperationState).toBe('PENDING');
      for (const arn of ['garbage', connectorArn, `${prefix}:connector-operation/orders/abc-1`]) {
        const err = await errorOf(() => describeOp(arn));
        expect([err.name, err.$metadata?.httpStatusCode, err.message]).toEqual(['BadRequestException', 400, `${arn} is not a valid connector-operation ARN.`]);
      }
      const unknownOp = await errorOf(() => describeOp(`${connectorOperationArn}0`));
      expect([unknownOp.name, unknownOp.$metadata?.httpStatusCode]).toEqual(['NotFoundException', 404]);
    });

    test('DescribeWorkerConfiguration checks the worker-configuration ARN shape', async () => {
      const wcArn = `${prefix}:worker-configuration/workers/abc-1`;
      emulator.kafkaconnect.registerWorkerConfiguration(wcArn, 1, 'offset.storage.topic=o\n');
      expect((await kc.send(new DescribeWorkerConfigurationCommand({ workerConfigurationArn: wcArn }))).latestRevision?.revision).toBe(1);
      const bad = await errorOf(() => kc.send(new DescribeWorkerConfigurationCommand({ workerConfigurationArn: 'garbage' })));
      expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['BadRequestException', 400]);
      const unknownWc = await errorOf(() => kc.send(new DescribeWorkerConfigurationCommand({ workerConfigurationArn: `${wcArn}0` })));
      expect([unknownWc.name, unknownWc.$metadata?.httpStatusCode]).toEqual(['NotFoundException', 404]);
    });

    test('on the wire: restJson error type header and a message body', async () => {
      const res = await rawRequest(emulator.endpoint, {
        method: 'GET', path: '/v1/connectors/garbage', headers: { authorization: authHeader('kafkaconnect') },
      });
      expect(res.status).toBe(400);
      expect(res.headers['x-amzn-errortype']).toBe('BadRequestException');
      expect(JSON.parse(res.body)).toEqual({ message: 'garbage is not a valid connector ARN.' });
    });
  });

  const autoScaling = {
    minWorkerCount: 1,
    maxWorkerCount: 2,
    mcuCount: 1,
    scaleInPolicy: { cpuUtilizationPercentage: 20 },
    scaleOutPolicy: { cpuUtilizationPercentage: 80 },
  };
  const invalid: [string, (i: Record<string, unknown>) => void][] = [
    ['connectorName', i => delete i.connectorName],
    ['capacity', i => delete i.capacity],
    ['capacity with both modes', i => (i.capacity = { provisionedCapacity: { mcuCount: 1, workerCount: 1 }, autoScaling })],
    ['capacity with neither mode', i => (i.capacity = {})],
    ['connectorConfiguration', i => delete i.connectorConfiguration],
    ['kafkaCluster', i => delete i.kafkaCluster],
    ['bootstrapServers', i => delete (i.kafkaCluster as any).apacheKafkaCluster.bootstrapServers],
    ['vpc.subnets', i => delete (i.kafkaCluster as any).apacheKafkaCluster.vpc.subnets],
    ['vpc.securityGroups', i => ((i.kafkaCluster as any).apacheKafkaCluster.vpc.securityGroups = 'sg-1')],
    ['kafkaClusterClientAuthentication', i => delete i.kafkaClusterClientAuthentication],
    ['kafkaClusterEncryptionInTransit', i => delete i.kafkaClusterEncryptionInTransit],
    ['kafkaConnectVersion', i => delete i.kafkaConnectVersion],
    ['plugins', i => delete i.plugins],
    ['plugins (empty)', i => (i.plugins = [])],
    ['serviceExecutionRoleArn', i => delete i.serviceExecutionRoleArn],
  ];

  test.each(invalid)('CreateConnector without valid %s is BadRequestException', async (field, mutate) => {
    const input = structuredClone(connectorInput('v')) as unknown as Record<string, unknown>;
    mutate(input);
    const err = await errorOf(() => kc.send(new CreateConnectorCommand(input as unknown as CreateConnectorCommandInput)));
    expect(err.name).toBe('BadRequestException');
    expect(err.message.split(' ')[0]).toContain(field.split(' ')[0].split('.').pop());
    expect(emulator.kafkaconnect.connectors()).toEqual([]);
  });

  test('a VPC without security groups is accepted, as the API has them optional', async () => {
    const input = structuredClone(connectorInput('nosg'));
    delete (input.kafkaCluster as any).apacheKafkaCluster.vpc.securityGroups;
    const { connectorArn } = await kc.send(new CreateConnectorCommand(input));
    const described = await kc.send(new DescribeConnectorCommand({ connectorArn }));
    expect(described.kafkaCluster?.apacheKafkaCluster?.vpc).toEqual({ subnets: ['subnet-1', 'subnet-2'] });
  });

  test('an empty list of security groups is accepted too (the API sets no minimum); subnets may not be empty', async () => {
    const input = structuredClone(connectorInput('emptysg'));
    (input.kafkaCluster as any).apacheKafkaCluster.vpc.securityGroups = [];
    await kc.send(new CreateConnectorCommand(input));
    (input.kafkaCluster as any).apacheKafkaCluster.vpc.subnets = [];
    input.connectorName = 'nosubnets';
    const err = await errorOf(() => kc.send(new CreateConnectorCommand(input)));
    expect([err.name, err.message]).toEqual(['BadRequestException', 'kafkaCluster.apacheKafkaCluster.vpc.subnets must be a non-empty list of strings.']);
  });

  test('autoScaling capacity alone is accepted and echoed', async () => {
    const capacity = {
      autoScaling: {
        minWorkerCount: 1,
        maxWorkerCount: 2,
        mcuCount: 1,
        scaleInPolicy: { cpuUtilizationPercentage: 20 },
        scaleOutPolicy: { cpuUtilizationPercentage: 80 },
      },
    };
    const { connectorArn } = await kc.send(new CreateConnectorCommand(connectorInput('auto', { capacity })));
    expect((await kc.send(new DescribeConnectorCommand({ connectorArn }))).capacity).toEqual(capacity);
  });

  test('operations the emulator does not model answer UnknownOperationException', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('u'), { running: true });
    const err = await errorOf(() => kc.send(new UpdateConnectorCommand({ connectorArn: arn, currentVersion: 'x', capacity: {} })));
    expect(err.name).toBe('UnknownOperationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });
});
