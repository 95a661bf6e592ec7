/**
 * End to end, issue 18 "Nothing secret leaves": an AWS error whose message quotes the request (the
 * emulator's CreateConnector answers 400 BadRequestException echoing the connector configuration it
 * was sent), through the bundled handler and the real SDK clients. No log line the handler writes, no
 * SNS notice and nothing of the error it throws (which the Lambda runtime logs) carries a value of the
 * configuration; the error's name and AWS request ID are kept.
 */
import { inspect } from 'util';
import { expectEnd, MINUTE, alarmFollowsHealth, startWorld, tickUntil } from './harness';
import type { FakeClock } from '../../tools/emulator';
import type { GuardWorld } from '../../tools/simulate/world';

let world: GuardWorld | undefined;
let clock: FakeClock;
/** Everything written to stdout and stderr while a test runs: the handler's Powertools log lines. */
let output: string[] = [];

beforeEach(() => {
  output = [];
  const capture = (chunk: unknown): boolean => {
    output.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await world?.stop();
  world = undefined;
});

/** The handler's log lines, parsed (Powertools writes one JSON object a line). */
function logLines(): Array<Record<string, unknown>> {
  return output.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a CreateConnector refusal that quotes the request: log lines, notices and the thrown error name the keys, keep the error name and request ID', async () => {
  // GIVEN a FAILED connector, which the guard deletes (the handler logs at INFO)
  ({ world, clock } = await startWorld({ logLevel: 'INFO' }));
  const w = world;
  const { faults, requests, sns } = w.emulator;
  const configuration = w.createRequest().connectorConfiguration as Record<string, string>;
  // The values a message could leak (topic.prefix is the connector's name, which the guard names on purpose;
  // tasks.max and heartbeat.interval.ms are short numbers).
  const secrets = [configuration['database.password'], configuration['database.hostname'], configuration['connector.class']];
  expect(secrets).toEqual(['hunter2-secret', 'orders-db.internal', 'io.debezium.connector.mysql.MySqlConnector']);
  w.emulator.kafkaconnect.failConnector('orders-cdc', 'task died');
  w.setAlarm('ALARM');
  await w.onAlarm();
  expect(w.mutations()).toEqual(['DeleteConnector']);

  // AND CreateConnector refuses the request, quoting every configuration entry it was sent
  faults.reject('kafkaconnect', 'CreateConnector', {
    status: 400,
    code: 'BadRequestException',
    message: (body) => {
      const sent = (JSON.parse(body) as { connectorConfiguration: Record<string, string> }).connectorConfiguration;
      return `Invalid connector configuration: ${Object.entries(sent).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    },
  });

  // WHEN the next tick, the old connector gone, re-creates
  clock.advance(2 * MINUTE);
  const thrown = await w.tick().then(() => undefined, (e: unknown) => e as Error & { $metadata?: Record<string, unknown> });

  // THEN the create was refused as armed (the message AWS sent holds the password)
  const [create] = requests.of('kafkaconnect', 'CreateConnector');
  expect(create).toMatchObject({ status: 400, errorCode: 'BadRequestException', injected: 'reject' });
  const requestId = create.requestId!;
  expect(requestId).toMatch(/\S/);

  // AND the run fails with the SDK's error: its name and metadata kept, its message naming the keys
  expect(thrown).toBeInstanceOf(Error);
  expect(thrown!.name).toBe('BadRequestException');
  expect(thrown!.$metadata).toMatchObject({ httpStatusCode: 400, requestId, attempts: 1 });
  expect(thrown!.message).toContain('database.password=<value of database.password>');
  expect(thrown!.message).toContain('database.hostname=<value of database.hostname>');
  // what the Lambda runtime logs of it (name, message, stack), and anything else it holds
  for (const text of [thrown!.message, thrown!.stack ?? '', inspect(thrown, { depth: 10, showHidden: true }), JSON.stringify(thrown)]) {
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  }

  // AND the handler's log line says what failed, with the request ID
  const failed = logLines().filter((l) => l.message === 'run failed; the next run continues from the saved record');
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ level: 'ERROR', connectorName: 'orders-cdc', phase: 'CREATING' });
  expect(failed[0].error).toMatch(new RegExp(`^BadRequestException: Invalid connector configuration: .*database\\.password=<value of database\\.password>.* \\(HTTP 400, request ID ${requestId}\\)$`));

  // AND the CRITICAL notice too
  const critical = w.notices().find((n) => n.subject?.startsWith('[CRITICAL]'));
  expect(critical?.subject).toBe('[CRITICAL] orders-cdc: recovery step failing while re-creating the connector');
  expect(critical?.message).toContain('BadRequestException: Invalid connector configuration: ');
  expect(critical?.message).toContain(`request ID ${requestId}`);

  // WHEN AWS accepts the create at the next tick
  await tickUntil(w, clock, () => w.notices().some((n) => n.subject?.includes('recovered')), alarmFollowsHealth(w));

  // THEN the connector is back; nothing the guard wrote or sent during the whole incident carries a value
  expectEnd(w, {
    state: 'RUNNING',
    health: 'healthy',
    arn: 'new',
    offsets: 'kept',
    phase: 'IDLE',
    subjects: ['[CRITICAL] orders-cdc: recovery step failing while re-creating the connector', '[INFO] orders-cdc: connector recovered'],
    mutations: ['DeleteConnector', 'CreateConnector'],
  });
  expect(logLines().length).toBeGreaterThan(3);
  for (const secret of secrets) {
    expect(output.join('')).not.toContain(secret);
    for (const n of sns.published) {
      expect(`${n.subject ?? ''}\n${n.message}`).not.toContain(secret);
    }
  }
});
