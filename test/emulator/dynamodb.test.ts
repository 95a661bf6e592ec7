import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  PutItemCommandInput,
  ScanCommand,
  ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { credentials, errorOf, REGION } from './helpers';
import { AwsEmulator, FakeClock } from '../../tools/emulator';

const TABLE = 'guard-locks';

describe('DynamoDB GetItem / conditional PutItem', () => {
  let emulator: AwsEmulator;
  let ddb: DynamoDBClient;

  beforeEach(async () => {
    emulator = new AwsEmulator({ region: REGION, clock: new FakeClock() });
    ddb = new DynamoDBClient({ region: REGION, endpoint: await emulator.start(), credentials });
    emulator.dynamodb.createTable(TABLE, 'pk');
  });

  afterEach(async () => {
    ddb.destroy();
    await emulator.stop();
  });

  const put = (input: Omit<PutItemCommandInput, 'TableName'>) => ddb.send(new PutItemCommand({ TableName: TABLE, ...input }));
  const get = async (pk: string) => (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
  const failedName = async (fn: () => Promise<unknown>) => (await errorOf(fn)).name;

  /** The recovery lock: take it when free, or when we already hold this version. */
  const lockInput = (owner: string, expectedVersion: string, newVersion: string): Omit<PutItemCommandInput, 'TableName'> => ({
    Item: { pk: { S: 'lock#orders' }, v: { N: newVersion }, owner: { S: owner } },
    ConditionExpression: 'attribute_not_exists(#pk) OR #v = :v',
    ExpressionAttributeNames: { '#pk': 'pk', '#v': 'v' },
    ExpressionAttributeValues: { ':v': { N: expectedVersion } },
  });

  test('items round-trip in DynamoDB JSON (S, N, BOOL, NULL, M, L); missing items have no Item', async () => {
    const item = {
      pk: { S: 'a' },
      n: { N: '42' },
      ok: { BOOL: true },
      nothing: { NULL: true as const },
      m: { M: { inner: { S: 'x' }, list: { L: [{ N: '1' }, { S: 'two' }] } } },
    };
    await put({ Item: item });
    expect(await get('a')).toEqual(item);
    expect(await get('missing')).toBeUndefined();
    expect(emulator.dynamodb.getItem(TABLE, { pk: { S: 'a' } })).toEqual(item);

    const projected = await ddb.send(new GetItemCommand({
      TableName: TABLE, Key: { pk: { S: 'a' } }, ProjectionExpression: '#n, ok', ExpressionAttributeNames: { '#n': 'n' },
    }));
    expect(projected.Item).toEqual({ n: { N: '42' }, ok: { BOOL: true } });
  });

  test('attribute_not_exists(#pk): first put wins, second fails', async () => {
    const input = {
      Item: { pk: { S: 'k' }, owner: { S: 'one' } },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    };
    await put(input);
    const err = await errorOf(() => put({ ...input, Item: { pk: { S: 'k' }, owner: { S: 'two' } } }));
    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect(err.message).toBe('The conditional request failed');
    expect((await get('k'))?.owner).toEqual({ S: 'one' });
  });

  test('#v = :v: succeeds on a match, fails on a mismatch or a missing item; numbers compare numerically', async () => {
    const cond = (expected: string) => ({
      ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': { N: expected } },
    });
    expect(await failedName(() => put({ Item: { pk: { S: 'k' }, v: { N: '1' } }, ...cond('0') }))).toBe('ConditionalCheckFailedException');
    await put({ Item: { pk: { S: 'k' }, v: { N: '1' } } });
    expect(await failedName(() => put({ Item: { pk: { S: 'k' }, v: { N: '2' } }, ...cond('7') }))).toBe('ConditionalCheckFailedException');
    await put({ Item: { pk: { S: 'k' }, v: { N: '2' } }, ...cond('1.0') });
    expect((await get('k'))?.v).toEqual({ N: '2' });
  });

  test('attribute_not_exists(#pk) OR #v = :v implements an optimistic lock', async () => {
    await put(lockInput('A', '0', '1')); // free -> taken
    await put(lockInput('A', '1', '2')); // holder renews with the right version
    const stale = await errorOf(() => put({ ...lockInput('B', '1', '2'), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    expect(stale.name).toBe('ConditionalCheckFailedException');
    expect((stale as ConditionalCheckFailedException).Item?.owner).toEqual({ S: 'A' });
    expect(await get('lock#orders')).toEqual({ pk: { S: 'lock#orders' }, v: { N: '2' }, owner: { S: 'A' } });
  });

  test('attribute names can be given directly; ReturnValues ALL_OLD returns the previous item', async () => {
    await put({ Item: { pk: { S: 'k' }, v: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' });
    const out = await put({
      Item: { pk: { S: 'k' }, v: { N: '2' } },
      ConditionExpression: 'attribute_not_exists(pk) OR v = :v',
      ExpressionAttributeValues: { ':v': { N: '1' } },
      ReturnValues: 'ALL_OLD',
    });
    expect(out.Attributes).toEqual({ pk: { S: 'k' }, v: { N: '1' } });
  });

  test('expression validation errors match the service', async () => {
    const item = { pk: { S: 'k' } };
    const validation = async (input: Omit<PutItemCommandInput, 'TableName'>) => {
      const err = await errorOf(() => put(input));
      expect(err.name).toBe('ValidationException');
      return err.message;
    };
    expect(await validation({ Item: item, ConditionExpression: 'attribute_not_exists(#pk)' })).toMatch(/attribute name.*not defined.*#pk/);
    expect(await validation({ Item: item, ConditionExpression: 'v = :v' })).toMatch(/attribute value.*not defined.*:v/);
    expect(await validation({
      Item: item, ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeNames: { '#unused': 'x' },
    })).toMatch(/unused/);
    expect(await validation({ Item: item, ConditionExpression: 'attribute_not_exists(status)' })).toMatch(/reserved keyword/);
    expect(await validation({
      Item: item, ConditionExpression: 'v > :v', ExpressionAttributeValues: { ':v': { N: '1' } },
    })).toMatch(/ConditionExpression/);
    expect(await validation({ Item: { other: { S: 'x' } } })).toMatch(/Missing the key pk/);
    expect(await validation({ Item: { pk: { S: 'k' }, bad: { N: 'abc' } } })).toMatch(/numeric/);
  });

  test('unknown tables are ResourceNotFoundException; table ARNs are accepted', async () => {
    const err = await errorOf(() => ddb.send(new GetItemCommand({ TableName: 'missing-table', Key: { pk: { S: 'a' } } })));
    expect(err.name).toBe('ResourceNotFoundException');
    await ddb.send(new PutItemCommand({ TableName: `arn:aws:dynamodb:${REGION}:123456789012:table/${TABLE}`, Item: { pk: { S: 'arn' } } }));
    expect(await get('arn')).toEqual({ pk: { S: 'arn' } });
  });
});

describe('DynamoDB Scan', () => {
  let emulator: AwsEmulator;
  let ddb: DynamoDBClient;

  const start = async (scanPageSize?: number) => {
    emulator = new AwsEmulator({ region: REGION, clock: new FakeClock(), scanPageSize });
    ddb = new DynamoDBClient({ region: REGION, endpoint: await emulator.start(), credentials });
    emulator.dynamodb.createTable(TABLE, 'pk');
  };

  afterEach(async () => {
    ddb.destroy();
    await emulator.stop();
  });

  /** Every page of a scan, following LastEvaluatedKey as a client does. */
  const pages = async (input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'> = {}) => {
    const out = [];
    let ExclusiveStartKey: ScanCommandInput['ExclusiveStartKey'];
    do {
      const page = await ddb.send(new ScanCommand({ TableName: TABLE, ...input, ExclusiveStartKey }));
      out.push(page);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  };

  test('pages of scanPageSize items follow LastEvaluatedKey; each item once; ProjectionExpression with names', async () => {
    await start(2);
    for (const pk of ['e', 'a', 'd', 'b', 'c']) {
      emulator.dynamodb.putItem(TABLE, { pk: { S: pk }, record: { S: `{"phase":"${pk}"}` }, leaseUntil: { N: '0' }, other: { S: 'x' } });
    }
    const scanned = await pages({ ConsistentRead: true, ProjectionExpression: 'pk, #record, leaseUntil', ExpressionAttributeNames: { '#record': 'record' } });
    expect(scanned.map((p) => [p.Count, p.ScannedCount, p.LastEvaluatedKey])).toEqual([
      [2, 2, { pk: { S: 'b' } }], [2, 2, { pk: { S: 'd' } }], [1, 1, undefined],
    ]);
    const items = scanned.flatMap((p) => p.Items ?? []);
    expect(items.map((i) => i.pk.S)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(items[0]).toEqual({ pk: { S: 'a' }, record: { S: '{"phase":"a"}' }, leaseUntil: { N: '0' } });
    expect(emulator.requests.of('dynamodb', 'Scan').map((r) => r.params.key)).toEqual([undefined, '{"pk":{"S":"b"}}', '{"pk":{"S":"d"}}']);
  });

  test('a full last page carries LastEvaluatedKey and an empty page follows; Limit bounds a page too', async () => {
    await start(2);
    ['a', 'b', 'c', 'd'].forEach((pk) => emulator.dynamodb.putItem(TABLE, { pk: { S: pk } }));
    expect((await pages()).map((p) => p.Count)).toEqual([2, 2, 0]);
    expect((await pages({ Limit: 3 })).map((p) => p.Count)).toEqual([2, 2, 0]);
    expect((await pages({ Limit: 1 })).map((p) => p.Count)).toEqual([1, 1, 1, 1, 0]);
  });

  test('without scanPageSize a page ends at 1 MB, as the service\'s does; an empty table is one page', async () => {
    await start();
    expect((await pages()).map((p) => [p.Count, p.LastEvaluatedKey])).toEqual([[0, undefined]]);
    const big = 'x'.repeat(350 * 1024);
    ['a', 'b', 'c', 'd'].forEach((pk) => emulator.dynamodb.putItem(TABLE, { pk: { S: pk }, blob: { S: big } }));
    expect((await pages({ ProjectionExpression: 'pk' })).map((p) => [p.Count, p.LastEvaluatedKey])).toEqual([[3, { pk: { S: 'c' } }], [1, undefined]]);
  });

  test('what the emulator does not model, or the service refuses, is a ValidationException', async () => {
    await start();
    const refused = async (input: Omit<ScanCommandInput, 'TableName'>) => {
      const err = await errorOf(() => ddb.send(new ScanCommand({ TableName: TABLE, ...input })));
      expect(err.name).toBe('ValidationException');
      return err.message;
    };
    expect(await refused({ FilterExpression: 'attribute_exists(pk)' })).toMatch(/FilterExpression not supported/);
    expect(await refused({ ProjectionExpression: 'pk', ExpressionAttributeNames: { '#unused': 'x' } })).toMatch(/unused/);
    expect(await refused({ ExclusiveStartKey: { pk: { S: 'a' }, other: { S: 'x' } } })).toMatch(/key element does not match the schema/);
    expect(await refused({ Limit: 0 })).toMatch(/greater than or equal to 1/);
    expect((await errorOf(() => ddb.send(new ScanCommand({ TableName: 'missing-table' })))).name).toBe('ResourceNotFoundException');
  });
});
