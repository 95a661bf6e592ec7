import { inspect } from 'util';
import { BadRequestException } from '@aws-sdk/client-kafkaconnect';
import {
  configurationValues, configurationValuesOf, describeError, safeError, scrub, scrubbedError, type ConfigValue,
} from '../../src/recovery/safe-error';

const CONFIG: Record<string, string> = {
  'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
  'tasks.max': '1',
  'database.hostname': 'orders-db.internal',
  'database.password': 'hunter2-secret',
  'snapshot.locking.none': 'true',
  'database.user': 'cdc',
};
const VALUES = configurationValues({ connectorConfiguration: CONFIG });

/** An SDK error as the client builds it from a 400 whose message quotes the request. */
function badRequest(message: string, attempts = 1): BadRequestException {
  const err = new BadRequestException({ message, $metadata: { httpStatusCode: 400, requestId: 'req-1234', attempts } });
  return Object.assign(err, { $response: { body: message }, $responseBodyText: message, echoed: CONFIG['database.password'] });
}

describe('configurationValues', () => {
  test('every non-empty entry of connectorConfiguration, keyed', () => {
    expect(configurationValues({ connectorConfiguration: { a: 'x', b: '', c: 5, d: true, e: { nested: 'y' } } }))
      .toEqual([['a', 'x'], ['c', '5'], ['d', 'true']]);
  });

  test.each([
    { case: 'no configuration', source: { connectorName: 'orders' } },
    { case: 'a configuration that is not an object', source: { connectorConfiguration: ['x'] } },
    { case: 'not an object', source: 'text' },
    { case: 'undefined (DescribeConnector said the connector is gone)', source: undefined },
  ])('$case -> none', ({ source }) => {
    expect(configurationValues(source)).toEqual([]);
  });

  test('from the stored text; none when it is not JSON', () => {
    expect(configurationValuesOf(JSON.stringify({ connectorConfiguration: { 'database.password': 'pw-1234' } }))).toEqual([['database.password', 'pw-1234']]);
    expect(configurationValuesOf('{ not json')).toEqual([]);
    expect(configurationValuesOf(undefined)).toEqual([]);
  });
});

describe('scrub', () => {
  test('a value is replaced by the key that names it, wherever it occurs', () => {
    expect(scrub('Invalid connector configuration: database.password=hunter2-secret; could not reach orders-db.internal (hunter2-secret)', VALUES))
      .toBe('Invalid connector configuration: database.password=<value of database.password>; could not reach <value of database.hostname> '
        + '(<value of database.password>)');
  });

  test('short values and switches only where they follow their own key, so that ordinary words and numbers stay readable', () => {
    expect(scrub('tasks.max=1 is invalid; 1 of 1 tasks; the cdc user; "database.user": "cdc"; snapshot.locking.none=true is true', VALUES))
      .toBe('tasks.max=<value of tasks.max> is invalid; 1 of 1 tasks; the cdc user; "database.user": "<value of database.user>"; '
        + 'snapshot.locking.none=<value of snapshot.locking.none> is true');
  });

  test('a short value followed by more characters after its key is another value, left as is', () => {
    expect(scrub('tasks.max=10', VALUES)).toBe('tasks.max=10');
  });

  test('the longest value first: a value that contains another is replaced whole', () => {
    const values: ConfigValue[] = [['a', 'secret'], ['b', 'secret-and-more']];
    expect(scrub('x secret-and-more y secret', values)).toBe('x <value of b> y <value of a>');
  });

  test('a placeholder is not scanned again, even when a value is a word of it', () => {
    expect(scrub('pw=value-of', [['value.key', 'value'], ['pw', 'value-of']])).toBe('pw=<value of pw>');
    expect(scrub('value', [['value.key', 'value']])).toBe('<value of value.key>');
  });

  test('a value with quotes or backslashes is also found JSON-escaped, as a message quoting the request body shows it', () => {
    const values: ConfigValue[] = [['database.password', 'p"w\\rd!']];
    expect(scrub('{"database.password":"p\\"w\\\\rd!"} and p"w\\rd!', values))
      .toBe('{"database.password":"<value of database.password>"} and <value of database.password>');
  });

  test('regular-expression characters in values and keys are taken literally', () => {
    expect(scrub('a.b=(x) and a.b=x* and axb=(x)', [['a.b', '(x)'], ['z', 'x*+?[]']])).toBe('a.b=<value of a.b> and a.b=x* and axb=(x)');
  });

  test('no values: the text as is', () => {
    expect(scrub('database.password=hunter2-secret', [])).toBe('database.password=hunter2-secret');
  });
});

describe('safeError and describeError', () => {
  test('an SDK error: name, HTTP status and request ID kept, the message scrubbed', () => {
    const err = badRequest('Invalid connector configuration: database.password=hunter2-secret is rejected');
    expect(safeError(err, VALUES)).toEqual({
      name: 'BadRequestException',
      status: 400,
      requestId: 'req-1234',
      message: 'Invalid connector configuration: database.password=<value of database.password> is rejected',
    });
    expect(describeError(err, VALUES)).toBe(
      'BadRequestException: Invalid connector configuration: database.password=<value of database.password> is rejected (HTTP 400, request ID req-1234)');
  });

  test('an error code that differs from the name is kept (S3 errors carry Code)', () => {
    const err = Object.assign(new Error('Access Denied'), { name: 'S3ServiceException', Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(safeError(err, [])).toEqual({ name: 'S3ServiceException', code: 'AccessDenied', status: 403, message: 'Access Denied' });
    expect(describeError(err, [])).toBe('S3ServiceException: Access Denied (code AccessDenied, HTTP 403)');
  });

  test('a plain error reads as before: Name: message', () => {
    expect(describeError(new Error('AuthorizationError'), VALUES)).toBe('Error: AuthorizationError');
  });

  test('a thrown non-Error is its text, scrubbed', () => {
    expect(describeError('socket closed after hunter2-secret', VALUES)).toBe('socket closed after <value of database.password>');
    expect(safeError(42, VALUES)).toEqual({ name: 'Error', message: '42' });
  });
});

describe('scrubbedError: what the run throws', () => {
  test('keeps the prototype, name and $metadata (attempts, status, request ID) that retries and refusals are decided on', () => {
    const err = badRequest('database.password=hunter2-secret', 3);
    const out = scrubbedError(err, VALUES) as BadRequestException;
    expect(out).not.toBe(err);
    expect(out).toBeInstanceOf(BadRequestException);
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe('BadRequestException');
    expect(out.$metadata).toEqual({ httpStatusCode: 400, requestId: 'req-1234', attempts: 3 });
    expect(out.$fault).toBe('client');
    expect(out.message).toBe('database.password=<value of database.password>');
    expect(out.stack).toMatch(/^BadRequestException: database\.password=<value of database\.password>\n\s+at /);
  });

  test('nothing the SDK hangs on the error that may echo the request survives: not in the message, the stack, or any property', () => {
    const err = badRequest('database.password=hunter2-secret');
    const out = scrubbedError(err, VALUES) as Error & Record<string, unknown>;
    expect(out.$response).toBeUndefined();
    expect(out.$responseBodyText).toBeUndefined();
    expect(out.echoed).toBeUndefined();
    for (const text of [out.message, out.stack ?? '', JSON.stringify(out), inspect(out, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain('hunter2-secret');
    }
  });

  test('a scrubbed S3-style Code stays where it was', () => {
    const err = Object.assign(new Error('no'), { name: 'S3ServiceException', Code: 'AccessDenied' });
    expect(scrubbedError(err, VALUES)).toMatchObject({ name: 'S3ServiceException', Code: 'AccessDenied', message: 'no' });
  });

  test('no values known: the error itself', () => {
    const err = badRequest('anything');
    expect(scrubbedError(err, [])).toBe(err);
  });

  test('a thrown string comes back scrubbed; another non-Error is kept unless its text holds a value', () => {
    expect(scrubbedError('lost hunter2-secret', VALUES)).toBe('lost <value of database.password>');
    const plain = { toString: () => 'plain' };
    expect(scrubbedError(plain, VALUES)).toBe(plain);
    const leaky = { toString: () => 'leaky hunter2-secret' };
    expect(scrubbedError(leaky, VALUES)).toEqual(new Error('leaky <value of database.password>'));
  });
});
