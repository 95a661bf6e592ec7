import {
  AttributeValue, evaluate, ExpressionContext, Item, parseCondition, validation,
} from './dynamodb-condition';
import { awsJsonError, awsJsonRun, Call, HttpResult, isRecord, parseJsonObject, RawRequest, ServiceError, ServiceHandler, unknownTarget, targetOperation } from './wire';

export type { AttributeValue, Item } from './dynamodb-condition';

const TARGET_PREFIX = 'DynamoDB_20120810.';
const MAX_ITEM_BYTES = 400 * 1024;
/** A Scan page ends once it holds this much, as the real service's does. */
const MAX_SCAN_PAGE_BYTES = 1024 * 1024;
const SCALAR_KEY_TYPES = ['S', 'N', 'B'];

/** Namespaces the real service uses in `__type`, by error code. */
function errorType(code: string): string {
  switch (code) {
    case 'ValidationException':
      return `com.amazon.coral.validate#${code}`;
    case 'SerializationException':
    case 'UnknownOperationException':
      return `com.amazon.coral.service#${code}`;
    case 'ServiceUnavailableException':
      return `com.amazon.coral.availability#${code}`;
    default:
      return `com.amazonaws.dynamodb.v20120810#${code}`;
  }
}

interface Table {
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly items: Map<string, Item>;
}

/** DynamoDB tables holding DynamoDB-JSON items. GetItem, PutItem and Scan are served over HTTP. */
export class DynamoDbModel {
  private readonly tables = new Map<string, Table>();

  /** @param scanPageSize the most items a Scan page holds besides the 1 MB bound (small values exercise pagination) */
  constructor(private readonly scanPageSize: number = Infinity) {}

  public createTable(name: string, hashKey: string, rangeKey?: string): void {
    if (this.tables.has(name)) {
      throw new Error(`dynamodb: table ${name} already exists`);
    }
    this.tables.set(name, { hashKey, rangeKey, items: new Map() });
  }

  public deleteTable(name: string): boolean {
    return this.tables.delete(name);
  }

  /** Programmatic read (undefined when absent). */
  public getItem(table: string, key: Item): Item | undefined {
    const t = this.tableOrThrow(table);
    const item = t.items.get(keyString(t, key));
    return item && structuredClone(item);
  }

  /** Programmatic unconditional write (validated like PutItem). */
  public putItem(table: string, item: Item): void {
    try {
      this.apiPutItem({ TableName: table, Item: item });
    } catch (e) {
      throw e instanceof ServiceError ? new Error(`dynamodb ${e.code}: ${e.message}`) : e;
    }
  }

  /** All items of a table (copies). */
  public items(table: string): Item[] {
    return [...this.tableOrThrow(table).items.values()].map(i => structuredClone(i));
  }

  /** @internal */
  public apiGetItem(body: Record<string, unknown>): Record<string, unknown> {
    const t = this.table(body.TableName);
    const key = attributeMap(body.Key, 'Key');
    const itemKey = keyString(t, key, true);
    const project = readProjection(body, 'FilterExpression and ConditionExpression are null');
    // Reads are always strongly consistent here: there is a single copy of each item.
    const item = t.items.get(itemKey);
    return item ? { Item: project(item) } : {};
  }

  /**
   * @internal Scan of a whole table, in key order: a page ends after `Limit` items, `scanPageSize`
   * items or 1 MB of items (as stored, before the projection), and then carries LastEvaluatedKey,
   * even when no item follows (the real service does too: only a page without it is the last).
   */
  public apiScan(body: Record<string, unknown>): Record<string, unknown> {
    const t = this.table(body.TableName);
    const unsupported = ['FilterExpression', 'ScanFilter', 'ConditionalOperator', 'IndexName', 'Segment', 'TotalSegments', 'Select']
      .filter(p => body[p] !== undefined);
    if (unsupported.length > 0) {
      throw validation(`${unsupported.join(', ')} not supported by the emulator's Scan`);
    }
    const project = readProjection(body, 'FilterExpression is null');
    const limit = body.Limit;
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
      throw validation(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    }
    const after = body.ExclusiveStartKey === undefined ? undefined : keyString(t, attributeMap(body.ExclusiveStartKey, 'ExclusiveStartKey'), true);
    const pageItems = Math.min(typeof limit === 'number' ? limit : Infinity, this.scanPageSize);
    const remaining = [...t.items.entries()].filter(([k]) => after === undefined || k > after).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const page: Item[] = [];
    let bytes = 0;
    for (const [, item] of remaining) {
      if (page.length >= pageItems || bytes >= MAX_SCAN_PAGE_BYTES) {
        break;
      }
      page.push(item);
      bytes += itemBytes(item);
    }
    const last = page[page.length - 1];
    const full = page.length >= pageItems || bytes >= MAX_SCAN_PAGE_BYTES;
    const keyNames = [t.hashKey, ...(t.rangeKey === undefined ? [] : [t.rangeKey])];
    const lastKey = full && last ? Object.fromEntries(keyNames.map(k => [k, last[k]])) : undefined;
    return { Items: page.map(project), Count: page.length, ScannedCount: page.length, ...(lastKey ? { LastEvaluatedKey: lastKey } : {}) };
  }

  /** @internal */
  public apiPutItem(body: Record<string, unknown>): Record<string, unknown> {
    const t = this.table(body.TableName);
    const item = attributeMap(body.Item, 'Item');
    for (const keyName of [t.hashKey, t.rangeKey]) {
      if (keyName !== undefined && item[keyName] === undefined) {
        throw validation(`One or more parameter values were invalid: Missing the key ${keyName} in the item`);
      }
    }
    const itemKey = keyString(t, item);
    if (itemBytes(item) > MAX_ITEM_BYTES) {
      throw validation('Item size has exceeded the maximum allowed size');
    }
    if (body.Expected !== undefined || body.ConditionalOperator !== undefined) {
      throw validation('Legacy Expected/ConditionalOperator parameters are not supported by the emulator; use ConditionExpression.');
    }
    const returnValues = optionalEnum(body.ReturnValues, 'ReturnValues', ['NONE', 'ALL_OLD']);
    const onFailure = optionalEnum(body.ReturnValuesOnConditionCheckFailure, 'ReturnValuesOnConditionCheckFailure', ['NONE', 'ALL_OLD']);
    const names = nameMap(body.ExpressionAttributeNames);
    const values = body.ExpressionAttributeValues === undefined ? undefined : attributeMap(body.ExpressionAttributeValues, 'ExpressionAttributeValues');
    const existing = t.items.get(itemKey);
    if (body.ConditionExpression !== undefined) {
      if (typeof body.ConditionExpression !== 'string') {
        throw new ServiceError(400, 'SerializationException', 'ConditionExpression must be a string.');
      }
      const ctx = new ExpressionContext(names, values);
      const condition = parseCondition(body.ConditionExpression, ctx);
      ctx.assertAllUsed();
      if (!evaluate(condition, existing)) {
        const extra = onFailure === 'ALL_OLD' && existing ? { Item: existing } : {};
        throw new ServiceError(400, 'ConditionalCheckFailedException', 'The conditional request failed', extra);
      }
    } else if (names !== undefined || values !== undefined) {
      throw validation('ExpressionAttributeNames and ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
    }
    t.items.set(itemKey, structuredClone(item));
    return returnValues === 'ALL_OLD' && existing ? { Attributes: existing } : {};
  }

  private tableOrThrow(name: string): Table {
    const t = this.tables.get(name);
    if (!t) {
      throw new Error(`dynamodb: no table ${name}`);
    }
    return t;
  }

  private table(value: unknown): Table {
    if (value === undefined || value === null) {
      throw validation('1 validation error detected: Value null at \'tableName\' failed to satisfy constraint: Member must not be null');
    }
    if (typeof value !== 'string') {
      throw new ServiceError(400, 'SerializationException', 'TableName must be a string.');
    }
    // TableName may also be a table ARN.
    const name = /^arn:aws[a-z-]*:dynamodb:[^:]*:\d{12}:table\/(.+)$/.exec(value)?.[1] ?? value;
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
      throw validation(`1 validation error detected: Value '${value}' at 'tableName' failed to satisfy constraint: `
        + 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255');
    }
    const t = this.tables.get(name);
    if (!t) {
      throw new ServiceError(400, 'ResourceNotFoundException', 'Requested resource not found');
    }
    return t;
  }
}

/** Canonical string of the key attributes; `exact` demands no other attributes (GetItem's Key). */
function keyString(t: Table, item: Item, exact: boolean = false): string {
  const keyNames = [t.hashKey, ...(t.rangeKey === undefined ? [] : [t.rangeKey])];
  const parts = keyNames.map(k => {
    const v = item[k];
    const type = v === undefined ? undefined : Object.keys(v)[0];
    if (v === undefined || type === undefined || !SCALAR_KEY_TYPES.includes(type)) {
      throw validation('The provided key element does not match the schema');
    }
    const raw = (v as Record<string, string>)[type];
    if (raw === '') {
      throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${k}`);
    }
    return [type, type === 'N' ? String(Number(raw)) : raw];
  });
  if (exact && Object.keys(item).length !== keyNames.length) {
    throw validation('The provided key element does not match the schema');
  }
  return JSON.stringify(parts);
}

function optionalEnum(value: unknown, name: string, allowed: string[]): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw validation(`1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: `
      + `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value;
}

function nameMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isRecord(value) || !Object.values(value).every(v => typeof v === 'string')) {
    throw new ServiceError(400, 'SerializationException', 'ExpressionAttributeNames must be a map of strings.');
  }
  return value as Record<string, string>;
}

/** The size an item counts for (its DynamoDB JSON, a close upper bound of the service's own measure). */
function itemBytes(item: Item): number {
  return Buffer.byteLength(JSON.stringify(item), 'utf8');
}

/**
 * A read's ProjectionExpression (with ExpressionAttributeNames) as a function of the item; the item
 * itself without one. `noExpression` completes the service's error for ExpressionAttributeValues.
 */
function readProjection(body: Record<string, unknown>, noExpression: string): (item: Item) => Item {
  if (body.ConsistentRead !== undefined && typeof body.ConsistentRead !== 'boolean') {
    throw new ServiceError(400, 'SerializationException', 'ConsistentRead must be a boolean.');
  }
  if (body.AttributesToGet !== undefined) {
    throw validation('AttributesToGet is not supported by the emulator; use ProjectionExpression.');
  }
  const ctx = new ExpressionContext(nameMap(body.ExpressionAttributeNames), undefined);
  if (body.ExpressionAttributeValues !== undefined) {
    throw validation(`ExpressionAttributeValues can only be specified when using expressions: ${noExpression}`);
  }
  const projection = body.ProjectionExpression === undefined ? undefined : parseProjection(body.ProjectionExpression, ctx);
  ctx.assertAllUsed();
  return item => (projection ? Object.fromEntries(Object.entries(item).filter(([k]) => projection.includes(k))) : item);
}

function parseProjection(value: unknown, ctx: ExpressionContext): string[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw validation('Invalid ProjectionExpression: The expression can not be empty;');
  }
  return value.split(',').map(part => {
    const token = part.trim();
    if (!/^#?[A-Za-z0-9_]+$/.test(token)) {
      throw validation(`Invalid ProjectionExpression: the emulator supports top-level attribute names only; got "${token}"`);
    }
    return ctx.name(token);
  });
}

/** Validates a map of DynamoDB-JSON attribute values. */
function attributeMap(value: unknown, path: string): Item {
  if (value === undefined || value === null) {
    throw validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }
  if (!isRecord(value)) {
    throw new ServiceError(400, 'SerializationException', `${path} must be a map.`);
  }
  for (const v of Object.values(value)) {
    checkAttributeValue(v);
  }
  return value as Item;
}

function checkAttributeValue(value: unknown): asserts value is AttributeValue {
  const types = isRecord(value) ? Object.keys(value) : [];
  if (!isRecord(value) || types.length !== 1) {
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  const [type] = types;
  const v = value[type];
  const isNumber = (s: unknown): boolean => typeof s === 'string' && s.trim() !== '' && Number.isFinite(Number(s));
  const isStringArray = (a: unknown): a is string[] => Array.isArray(a) && a.length > 0 && a.every(s => typeof s === 'string');
  switch (type) {
    case 'S':
    case 'B':
      if (typeof v !== 'string') throw new ServiceError(400, 'SerializationException', `${type} must be a string.`);
      return;
    case 'N':
      if (!isNumber(v)) throw validation('The parameter cannot be converted to a numeric value');
      return;
    case 'BOOL':
      if (typeof v !== 'boolean') throw new ServiceError(400, 'SerializationException', 'BOOL must be a boolean.');
      return;
    case 'NULL':
      if (v !== true) throw validation('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return;
    case 'M':
      if (!isRecord(v)) throw new ServiceError(400, 'SerializationException', 'M must be a map.');
      Object.values(v).forEach(checkAttributeValue);
      return;
    case 'L':
      if (!Array.isArray(v)) throw new ServiceError(400, 'SerializationException', 'L must be a list.');
      v.forEach(checkAttributeValue);
      return;
    case 'SS':
    case 'BS':
    case 'NS':
      if (!isStringArray(v) || new Set(v).size !== v.length || (type === 'NS' && !v.every(isNumber))) {
        throw validation(`One or more parameter values were invalid: ${type} must be a non-empty set without duplicates`);
      }
      return;
    default:
      throw validation(`Supplied AttributeValue has an unsupported datatype: ${type}`);
  }
}

/** DynamoDB over awsJson1_0 (`x-amz-target: DynamoDB_20120810.<Op>`). */
export class DynamoDbHandler implements ServiceHandler {
  constructor(private readonly model: DynamoDbModel) {}

  public decode(req: RawRequest): Call {
    const operation = targetOperation(req, TARGET_PREFIX);
    const body = parseJsonObject(req.body);
    const params = { tableName: typeof body?.TableName === 'string' ? body.TableName : undefined, key: keyParam(body) };
    const withBody = (answer: (b: Record<string, unknown>) => unknown) =>
      awsJsonRun(body, 'Start of structure or map found where not expected.', answer);
    if (req.method === 'POST' && operation === 'GetItem') {
      return { operation, params, run: withBody(b => this.model.apiGetItem(b)) };
    }
    if (req.method === 'POST' && operation === 'PutItem') {
      return { operation, params, run: withBody(b => this.model.apiPutItem(b)) };
    }
    if (req.method === 'POST' && operation === 'Scan') {
      return { operation, params, run: withBody(b => this.model.apiScan(b)) };
    }
    return unknownTarget(req, operation);
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    return awsJsonError(err, requestId, errorType(err.code));
  }

  /** Default `ThrottlingException`; pass 'ProvisionedThroughputExceededException' for the provisioned-table variant. */
  public throttlingError(code: string = 'ThrottlingException'): ServiceError {
    const message = code === 'ProvisionedThroughputExceededException'
      ? 'The level of configured provisioned throughput for the table was exceeded.'
      : 'Throughput exceeds the current capacity for one or more global secondary indexes.';
    return new ServiceError(400, code, message);
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailableException', 'Service unavailable')
      : new ServiceError(500, 'InternalServerError', 'Internal server error');
  }
}

/** A compact rendering of the key/item's (or a Scan's start key's) attributes for the request log. */
function keyParam(body: Record<string, unknown> | undefined): string | undefined {
  const source = body?.Key ?? body?.Item ?? body?.ExclusiveStartKey;
  if (!isRecord(source)) {
    return undefined;
  }
  try {
    return JSON.stringify(source).slice(0, 200);
  } catch {
    return undefined;
  }
}
