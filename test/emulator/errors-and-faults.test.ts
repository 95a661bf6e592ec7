import { connect } from 'net';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateConnectorCommand,
  DeleteConnectorCommand,
  DescribeConnectorCommand,
  KafkaConnectClient,
  ListConnectorsCommand,
  RestartConnectorCommand,
} from '@aws-sdk/client-kafkaconnect';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { authHeader, connectorInput, credentials, errorOf, fastRetry, rawRequest, REGION } from './helpers';
import { AwsEmulator, FakeClock } from '../../tools/emulator';

const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:alerts';

describe('error shapes, fault injection and robustness', () => {
  let clock: FakeClock;
  let emulator: AwsEmulator;
  let endpoint: string;

  beforeEach(async () => {
    clock = new FakeClock();
    emulator = new AwsEmulator({ region: REGION, account: '111122223333', clock, durations: { createMs: 1000, deleteMs: 1000, restartMs: 1000 } });
    endpoint = await emulator.start();
    emulator.sns.createTopic(TOPIC);
    emulator.s3.putObject('cfg', 'connector.json', '{}');
    emulator.dynamodb.createTable('locks', 'pk');
  });

  afterEach(async () => {
    await emulator.stop();
  });

  /** Clients that never retry, so each error surfaces as-is. */
  const noRetry = { region: REGION, credentials, maxAttempts: 1 } as const;
  const clients = () => ({
    kc: new KafkaConnectClient({ ...noRetry, endpoint }),
    s3: new S3Client({ ...noRetry, endpoint, forcePathStyle: true }),
    sns: new SNSClient({ ...noRetry, endpoint }),
    cw: new CloudWatchClient({ ...noRetry, endpoint }),
    ddb: new DynamoDBClient({ ...noRetry, endpoint }),
  });

  test('every modelled and injected error is parsed by the SDK into the right exception', async () => {
    const { kc, s3, sns, cw, ddb } = clients();
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'));
    const cases: [string, number, () => Promise<unknown>][] = [];
    const add = (name: string, status: number, fn: () => Promise<unknown>) => cases.push([name, status, fn]);

    // MSK Connect (restJson1)
    add('NotFoundException', 404, () => kc.send(new DescribeConnectorCommand({ connectorArn: `${arn}x` })));
    add('ConflictException', 409, () => kc.send(new CreateConnectorCommand(connectorInput('c1'))));
    add('BadRequestException', 400, () => kc.send(new RestartConnectorCommand({ connectorArn: arn })));
    add('TooManyRequestsException', 429, () => {
      emulator.faults.throttle('kafkaconnect', 'ListConnectors');
      return kc.send(new ListConnectorsCommand({}));
    });
    add('InternalServerErrorException', 500, () => {
      emulator.faults.serverError('kafkaconnect', 'ListConnectors');
      return kc.send(new ListConnectorsCommand({}));
    });
    add('ServiceUnavailableException', 503, () => {
      emulator.faults.serverError('kafkaconnect', 'ListConnectors', 1, 503);
      return kc.send(new ListConnectorsCommand({}));
    });
    // S3 (restXml)
    add('NoSuchKey', 404, () => s3.send(new GetObjectCommand({ Bucket: 'cfg', Key: 'missing.json' })));
    add('NoSuchBucket', 404, () => s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'x' })));
    add('SlowDown', 503, () => {
      emulator.faults.throttle('s3');
      return s3.send(new GetObjectCommand({ Bucket: 'cfg', Key: 'connector.json' }));
    });
    add('InternalError', 500, () => {
      emulator.faults.serverError('s3');
      return s3.send(new GetObjectCommand({ Bucket: 'cfg', Key: 'connector.json' }));
    });
    // SNS (awsQuery)
    add('NotFoundException', 404, () => sns.send(new PublishCommand({ TopicArn: `${TOPIC}-nope`, Message: 'm' })));
    add('InvalidParameterException', 400, () => sns.send(new PublishCommand({ TopicArn: TOPIC, Message: '' })));
    add('ThrottledException', 429, () => {
      emulator.faults.throttle('sns', 'Publish');
      return sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }));
    });
    add('Throttling', 400, () => {
      emulator.faults.throttle('sns', 'Publish', 1, 'Throttling');
      return sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }));
    });
    add('InternalErrorException', 500, () => {
      emulator.faults.serverError('sns');
      return sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }));
    });
    // CloudWatch (awsJson1_0, query-compatible)
    add('InvalidParameterValueException', 400, () => cw.send(new DescribeAlarmsCommand({ StateValue: 'BOGUS' as any })));
    add('InvalidParameterCombinationException', 400, () => cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })));
    add('Throttling', 400, () => {
      emulator.faults.throttle('monitoring', 'DescribeAlarms');
      return cw.send(new DescribeAlarmsCommand({}));
    });
    add('InternalServiceFault', 500, () => {
      emulator.faults.serverError('monitoring');
      return cw.send(new DescribeAlarmsCommand({}));
    });
    // DynamoDB (awsJson1_0)
    add('ResourceNotFoundException', 400, () => ddb.send(new GetItemCommand({ TableName: 'nope-table', Key: { pk: { S: 'a' } } })));
    add('ValidationException', 400, () => ddb.send(new GetItemCommand({ TableName: 'locks', Key: { other: { S: 'a' } } })));
    add('ConditionalCheckFailedException', 400, async () => {
      await ddb.send(new PutItemCommand({ TableName: 'locks', Item: { pk: { S: 'k' } } }));
      return ddb.send(new PutItemCommand({
        TableName: 'locks', Item: { pk: { S: 'k' } }, ConditionExpression: 'attribute_not_exists(pk)',
      }));
    });
    add('ThrottlingException', 400, () => {
      emulator.faults.throttle('dynamodb', 'GetItem');
      return ddb.send(new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'a' } } }));
    });
    add('ProvisionedThroughputExceededException', 400, () => {
      emulator.faults.throttle('dynamodb', 'GetItem', 1, 'ProvisionedThroughputExceededException');
      return ddb.send(new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'a' } } }));
    });
    add('InternalServerError', 500, () => {
      emulator.faults.serverError('dynamodb');
      return ddb.send(new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'a' } } }));
    });

    const got: [string, number | undefined][] = [];
    for (const [, , fn] of cases) {
      const err = await errorOf(fn);
      got.push([err.name, err.$metadata?.httpStatusCode]);
    }
    expect(got).toEqual(cases.map(([name, status]) => [name, status]));
    expect(emulator.faults.pendingErrors()).toBe(0);
    for (const c of [kc, s3, sns, cw, ddb]) c.destroy();
  });

  test('throttling is retried transparently by the SDK for every service', async () => {
    const retry = () => fastRetry(4);
    const strategies = [retry(), retry(), retry(), retry(), retry()];
    const [rkc, rs3, rsns, rcw, rddb] = strategies;
    const kc = new KafkaConnectClient({ region: REGION, credentials, endpoint, retryStrategy: rkc });
    const s3 = new S3Client({ region: REGION, credentials, endpoint, forcePathStyle: true, retryStrategy: rs3 });
    const sns = new SNSClient({ region: REGION, credentials, endpoint, retryStrategy: rsns });
    const cw = new CloudWatchClient({ region: REGION, credentials, endpoint, retryStrategy: rcw });
    const ddb = new DynamoDBClient({ region: REGION, credentials, endpoint, retryStrategy: rddb });

    emulator.faults.throttle('kafkaconnect', 'ListConnectors', 2);
    emulator.faults.throttle('s3', 'GetObject', 2);
    emulator.faults.throttle('sns', 'Publish', 2);
    emulator.faults.throttle('monitoring', 'DescribeAlarms', 2);
    emulator.faults.throttle('dynamodb', 'PutItem', 2);

    expect((await kc.send(new ListConnectorsCommand({}))).$metadata.attempts).toBe(3);
    const obj = await s3.send(new GetObjectCommand({ Bucket: 'cfg', Key: 'connector.json' }));
    expect(await obj.Body?.transformToString()).toBe('{}');
    expect(obj.$metadata.attempts).toBe(3);
    expect((await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }))).$metadata.attempts).toBe(3);
    expect((await cw.send(new DescribeAlarmsCommand({}))).$metadata.attempts).toBe(3);
    expect((await ddb.send(new PutItemCommand({ TableName: 'locks', Item: { pk: { S: 'a' } } }))).$metadata.attempts).toBe(3);

    for (const s of strategies) {
      expect(s.seen).toEqual(['THROTTLING', 'THROTTLING']);
    }
    expect(emulator.sns.published).toHaveLength(1);
    const throttled = emulator.requests.entries.filter(r => r.injected === 'throttle');
    expect(throttled).toHaveLength(10);
    for (const c of [kc, s3, sns, cw, ddb]) c.destroy();
  });

  test('5xx errors are retried by the SDK default retry strategy', async () => {
    const kc = new KafkaConnectClient({ region: REGION, credentials, endpoint });
    emulator.faults.serverError('kafkaconnect', 'ListConnectors', 1, 503);
    emulator.faults.serverError('kafkaconnect', 'ListConnectors', 1, 500);
    const out = await kc.send(new ListConnectorsCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(emulator.requests.of('kafkaconnect', 'ListConnectors').map(r => r.status)).toEqual([503, 500, 200]);
    kc.destroy();
  });

  test('reject: an armed service error whose message quotes the request body, answered without processing the call', async () => {
    const { kc, sns } = clients();
    // GIVEN CreateConnector armed to refuse, quoting the configuration it is sent
    emulator.faults.reject('kafkaconnect', 'CreateConnector', {
      status: 400,
      code: 'BadRequestException',
      message: (body) => {
        const config = (JSON.parse(body) as { connectorConfiguration: Record<string, string> }).connectorConfiguration;
        return `Invalid connector configuration: ${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(', ')}`;
      },
    });
    // AND Publish armed twice with a fixed message
    emulator.faults.reject('sns', 'Publish', { status: 403, code: 'AuthorizationError', message: 'not authorized' }, 2);
    const input = connectorInput('c1', { connectorConfiguration: { 'database.password': 'hunter2-secret', 'tasks.max': '1' } });

    // WHEN the real clients call
    const refused = await errorOf(() => kc.send(new CreateConnectorCommand(input)));
    const published = [await errorOf(() => sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }))),
      await errorOf(() => sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' })))];

    // THEN the SDK parses each into the armed exception, with the emulator's request ID
    const createCall = emulator.requests.of('kafkaconnect', 'CreateConnector')[0];
    expect(refused).toMatchObject({
      name: 'BadRequestException',
      message: 'Invalid connector configuration: database.password=hunter2-secret, tasks.max=1',
      $metadata: { httpStatusCode: 400, requestId: createCall.requestId },
    });
    expect(createCall).toMatchObject({ status: 400, errorCode: 'BadRequestException', injected: 'reject', requestId: expect.stringMatching(/\S/) });
    expect(published.map((e) => [e.name, e.message, e.$metadata?.httpStatusCode])).toEqual([
      // the SDK names SNS's AuthorizationError code by its exception class
      ['AuthorizationErrorException', 'not authorized', 403], ['AuthorizationErrorException', 'not authorized', 403],
    ]);
    // AND nothing was processed: no connector, no message; every armed error was used
    expect(emulator.kafkaconnect.connector('c1')).toBeUndefined();
    expect(emulator.sns.published).toEqual([]);
    expect(emulator.faults.pendingErrors()).toBe(0);
    // AND the next call is processed normally
    await expect(kc.send(new CreateConnectorCommand(input))).resolves.toMatchObject({ connectorName: 'c1' });
    kc.destroy();
    sns.destroy();
  });

  test('reject: the status must be a 4xx or 5xx and the code must not be empty', () => {
    expect(() => emulator.faults.reject('sns', 'Publish', { status: 200, code: 'X', message: '' }))
      .toThrow('Faults.reject: status must be an integer from 400 to 599, got 200');
    expect(() => emulator.faults.reject('sns', 'Publish', { status: 400, code: '', message: '' })).toThrow('Faults.reject: code must not be empty');
    expect(() => emulator.faults.reject('sns', 'Publish', { status: 400, code: 'X', message: '' }, 0))
      .toThrow('Faults: count must be a positive integer, got 0');
  });

  test('request log records service, operation, key params and status', async () => {
    const { kc, ddb } = clients();
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    await kc.send(new DescribeConnectorCommand({ connectorArn: arn }));
    await kc.send(new ListConnectorsCommand({ connectorNamePrefix: 'c' }));
    await errorOf(() => kc.send(new CreateConnectorCommand(connectorInput('c1'))));
    await ddb.send(new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'a' } } }));
    expect(emulator.requests.calls()).toEqual([
      'kafkaconnect:DescribeConnector', 'kafkaconnect:ListConnectors', 'kafkaconnect:CreateConnector', 'dynamodb:GetItem',
    ]);
    expect(emulator.requests.entries).toEqual([
      expect.objectContaining({ seq: 1, service: 'kafkaconnect', operation: 'DescribeConnector', params: { connectorArn: arn }, status: 200 }),
      expect.objectContaining({ params: expect.objectContaining({ connectorNamePrefix: 'c' }), status: 200 }),
      expect.objectContaining({ params: { connectorName: 'c1' }, status: 409, errorCode: 'ConflictException' }),
      expect.objectContaining({ params: expect.objectContaining({ tableName: 'locks' }), status: 200, time: clock.now() }),
    ]);
    emulator.requests.clear();
    expect(emulator.requests.entries).toEqual([]);
    kc.destroy();
    ddb.destroy();
  });

  test("onRequest 'hang' kills the caller between two steps (delete happened, create never does)", async () => {
    const { kc } = clients();
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    let sawDelete = false;
    let createArrived!: () => void;
    const createReached = new Promise<void>(r => (createArrived = r));
    emulator.faults.onRequest = (service, operation) => {
      if (service === 'kafkaconnect' && operation === 'DeleteConnector') sawDelete = true;
      if (operation !== 'CreateConnector') return undefined;
      createArrived();
      return 'hang';
    };
    // A caller that deletes then recreates.
    const flow = (async () => {
      await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
      clock.advance(1000);
      await kc.send(new CreateConnectorCommand(connectorInput('c1')));
    })();
    const flowDone = flow.then(() => 'finished', () => 'aborted');
    await createReached;
    await new Promise(r => setImmediate(r)); // let the server record the outcome of the hook
    expect(sawDelete).toBe(true);
    expect(emulator.requests.entries.map(r => [r.operation, r.status])).toEqual([['DeleteConnector', 200], ['CreateConnector', 'hung']]);
    expect(emulator.kafkaconnect.connector('c1')).toBeUndefined(); // deleted, never recreated
    await emulator.stop(); // frees the hung socket
    expect(await flowDone).toBe('aborted');
    kc.destroy();
  });

  test("onRequest 'drop' (and a throwing hook) drops before processing; 'drop-after' processes then drops", async () => {
    const { kc } = clients();
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });

    emulator.faults.onRequest = () => 'drop';
    await errorOf(() => kc.send(new RestartConnectorCommand({ connectorArn: arn })));
    emulator.faults.onRequest = () => {
      throw new Error('boom');
    };
    await errorOf(() => kc.send(new RestartConnectorCommand({ connectorArn: arn })));
    expect(emulator.kafkaconnect.connector('c1')?.state).toBe('RUNNING');

    emulator.faults.onRequest = (_s, op) => (op === 'RestartConnector' ? 'drop-after' : undefined);
    await errorOf(() => kc.send(new RestartConnectorCommand({ connectorArn: arn })));
    expect(emulator.kafkaconnect.connector('c1')?.state).toBe('RESTARTING'); // the server acted; the caller never heard
    expect(emulator.requests.entries.map(r => r.status)).toEqual(['dropped', 'dropped', 'dropped']);
    kc.destroy();
  });

  test('an async onRequest hook holds the call until it resolves', async () => {
    const { kc } = clients();
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    let release!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const held = new Promise<void>(r => (arrived = r));
    emulator.faults.onRequest = async () => {
      arrived();
      return gate;
    };
    const pending = kc.send(new DescribeConnectorCommand({ connectorArn: arn }));
    await held;
    expect(emulator.requests.entries.map(r => r.status)).toEqual(['pending']);
    emulator.kafkaconnect.failConnector('c1'); // happens while the call is held
    release();
    expect((await pending).connectorState).toBe('FAILED');
    kc.destroy();
  });

  test('malformed requests get 4xx in the right shape and never crash the server', async () => {
    const post = (service: string, path: string, body: string, headers: Record<string, string> = {}) =>
      rawRequest(endpoint, { method: 'POST', path, body, headers: { authorization: authHeader(service), ...headers } });

    const badJson = await post('kafkaconnect', '/v1/connectors', '{"connectorName": ', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(JSON.parse(badJson.body).message).toMatch(/JSON/);

    const arrayBody = await post('kafkaconnect', '/v1/connectors', '[1,2]');
    expect(arrayBody.headers['x-amzn-errortype']).toBe('BadRequestException');

    const badLabel = await rawRequest(endpoint, { method: 'GET', path: '/v1/connectors/%ZZ', headers: { authorization: authHeader('kafkaconnect') } });
    expect(badLabel.status).toBe(400);

    const ddbBad = await post('dynamodb', '/', '{not json', { 'x-amz-target': 'DynamoDB_20120810.GetItem' });
    expect(ddbBad.status).toBe(400);
    expect(JSON.parse(ddbBad.body).__type).toBe('com.amazon.coral.service#SerializationException');

    const ddbNoTarget = await post('dynamodb', '/', '{}');
    expect(JSON.parse(ddbNoTarget.body).__type).toBe('com.amazon.coral.service#UnknownOperationException');

    const cwBad = await post('monitoring', '/', 'nope', { 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms' });
    expect(cwBad.status).toBe(400);
    expect(JSON.parse(cwBad.body).__type).toMatch(/SerializationException/);

    const snsNoAction = await post('sns', '/', 'Foo=bar');
    expect(snsNoAction.status).toBe(400);
    expect(snsNoAction.body).toMatch(/<Code>MissingAction<\/Code>/);

    const s3BadUri = await rawRequest(endpoint, { method: 'GET', path: '/bkt/%E0%A4%A', headers: { authorization: authHeader('s3') } });
    expect(s3BadUri.status).toBe(400);
    expect(s3BadUri.body).toMatch(/<Code>InvalidURI<\/Code>/);

    const unsigned = await rawRequest(endpoint, { method: 'GET', path: '/v1/connectors' });
    expect(unsigned.status).toBe(403);

    const otherService = await post('lambda', '/', '{}');
    expect(otherService.status).toBe(400);

    // Not even HTTP.
    const garbage = await new Promise<string>((resolve, reject) => {
      const url = new URL(endpoint);
      const socket = connect(Number(url.port), url.hostname, () => socket.write('\u0000\u0001 NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', d => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);

    // Still alive and well.
    const { kc } = clients();
    expect((await kc.send(new ListConnectorsCommand({}))).connectors).toEqual([]);
    expect(emulator.requests.entries.some(r => r.emulatorBug !== undefined)).toBe(false);
    kc.destroy();
  });

  test('stop() closes idle keep-alive sockets promptly and start() can be called again', async () => {
    const kc = new KafkaConnectClient({ region: REGION, credentials, endpoint });
    await kc.send(new ListConnectorsCommand({})); // leaves a keep-alive socket open
    const t0 = Date.now();
    await emulator.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(() => emulator.endpoint).toThrow(/not started/);
    const again = await emulator.start();
    expect(again).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    kc.destroy();
  });
});
