/**
 * End to end: `{"action":"drill"}` on the bundled handler, through the real SDK clients, against the
 * loopback emulator. For each outcome (would restart, would re-create, would refuse for each reason)
 * the drill says so in one notice and in its result, and changes nothing: every call it makes is a
 * read (and the one Publish), and the guard's DynamoDB item is byte-identical before and after.
 */
import { MINUTE, startWorld, type StartOptions } from './harness';
import type { FakeClock } from '../../tools/emulator';
import type { GuardWorld } from '../../tools/simulate/world';

let world: GuardWorld;
let clock: FakeClock;

jest.setTimeout(30_000);

afterEach(async () => {
  await world?.stop();
});

interface DrillAnswer {
  readonly outcome: string;
  readonly drill: string;
  readonly reason: string;
  readonly phase: string;
  readonly verdict: { outcome: string; because: string; detail?: string };
  readonly ifRestartDoesNotHelp?: { outcome: string; because: string; detail?: string };
  readonly checks: Array<{ check: string; status: string; detail: string }>;
}

/** Every call a drill may make: reads, and the one notice. */
const READS = new Set([
  'kafkaconnect:ListConnectors', 'kafkaconnect:DescribeConnector', 'kafkaconnect:ListTagsForResource',
  'kafkaconnect:DescribeWorkerConfiguration', 'kafkaconnect:DescribeConnectorOperation',
  's3:GetObject', 'monitoring:DescribeAlarms', 'monitoring:GetMetricStatistics', 'dynamodb:GetItem', 'sns:Publish',
  'events:ListRuleNamesByTarget', 'events:DescribeRule', 'events:ListTargetsByRule',
]);

function item(): string {
  return JSON.stringify(world.emulator.dynamodb.getItem(world.table, { pk: { S: world.connectorName } }) ?? null);
}

/**
 * Runs the drill and proves it changed nothing: only reads (and one Publish) reached the emulator,
 * the connector is as it was, the guard's item is byte-identical, and exactly one notice was sent.
 */
async function drill(): Promise<{ answer: DrillAnswer; subject: string; message: string }> {
  const { requests } = world.emulator;
  const before = {
    item: item(),
    connector: JSON.stringify(world.connector() ?? null),
    notices: world.notices().length,
    seq: requests.entries.length,
    mutations: world.mutations(),
  };
  const answer = await world.manual('drill') as unknown as DrillAnswer;
  const calls = requests.entries.slice(before.seq).map((r) => `${r.service}:${r.operation}`);
  expect(calls.filter((c) => !READS.has(c))).toEqual([]);
  expect(calls.filter((c) => c === 'sns:Publish')).toHaveLength(1);
  expect(item()).toBe(before.item);
  expect(JSON.stringify(world.connector() ?? null)).toBe(before.connector);
  expect(world.mutations()).toEqual(before.mutations);
  const notices = world.notices().slice(before.notices);
  expect(notices).toHaveLength(1);
  const [{ subject, message }] = notices;
  // What the notice says is what the function returns.
  expect(answer.outcome).toBe('DRILL');
  expect(answer.drill).toBe(answer.verdict.outcome);
  expect(message).toContain(answer.verdict.because);
  for (const c of answer.checks) {
    expect(message).toContain(`- ${c.check}: `);
  }
  for (const secret of ['hunter2', 'orders-db.internal']) {
    expect(message).not.toContain(secret);
    expect(JSON.stringify(answer)).not.toContain(secret);
  }
  return { answer, subject: subject ?? '', message };
}

function status(answer: DrillAnswer): Record<string, string> {
  return Object.fromEntries(answer.checks.map((c) => [c.check, c.status]));
}

const NOT_CHECKED_HERE = {
  'permissions of the strategy': 'NOT_CHECKED',
};

const ALL_GOOD = {
  'connector': 'OK',
  'composite alarm': 'OK',
  'EventBridge rules': 'OK',
  'stored request': 'OK',
  'stored request compared with the running connector': 'OK',
  'worker configuration keeps offsets': 'OK',
  'recovery state': 'OK',
  'offset commits in the worker log group': 'OK',
  ...NOT_CHECKED_HERE,
};

/** The offset-commit metric, as the guard's metric filter publishes it from the worker logs. */
const COMMITS_NAMESPACE = 'DebeziumGuard/OffsetCommits';

/** Starts the world with a connector that logged one commit a minute over the last 20 minutes. */
async function start(options: StartOptions = {}): Promise<void> {
  ({ world, clock } = await startWorld(options));
  world.emulator.cloudwatch.putMetricData(COMMITS_NAMESPACE, world.connectorName,
    Array.from({ length: 20 }, (_, i) => ({ at: clock.now() - (i + 1) * MINUTE + 5_000, value: 1 })));
}

describe('drill: the offset commits in the worker log group', () => {
  test('counted over the last 15 minutes from the guard\'s offset-commit metric (GetMetricStatistics, read-only)', async () => {
    await start();
    const { answer, message } = await drill();
    expect(answer.checks.find((c) => c.check === 'offset commits in the worker log group')).toEqual({
      check: 'offset commits in the worker log group', status: 'OK', detail: '15 counted commit line(s) in the last 15 min (the guard\'s offset-commit metric)',
    });
    expect(message).toContain('- offset commits in the worker log group: OK: 15 counted commit line(s) in the last 15 min');
    const [read] = world.emulator.requests.of('monitoring', 'GetMetricStatistics');
    expect(read.params).toEqual({ namespace: COMMITS_NAMESPACE, metricName: world.connectorName });
  });

  test('none in the last 15 minutes: a PROBLEM that says what to check; the verdict does not depend on it', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.cloudwatch.putMetricData(COMMITS_NAMESPACE, world.connectorName, [{ at: clock.now() - 16 * MINUTE, value: 4 }]);
    const { answer } = await drill();
    expect(answer.checks.find((c) => c.check === 'offset commits in the worker log group')).toMatchObject({
      status: 'PROBLEM', detail: expect.stringMatching(/^none counted in the last 15 min: the guard would take it for a stall or a log-delivery gap\. Check that the worker logs reach/),
    });
    expect(answer.verdict.outcome).toBe('WOULD_RESTART');
  });
});

describe('drill: the EventBridge rules that start the function', () => {
  const check = (answer: DrillAnswer) => answer.checks.find((c) => c.check === 'EventBridge rules');

  test('found by the function\'s own ARN: the alarm rule and the tick, enabled and targeting it', async () => {
    await start();
    const { answer, message } = await drill();
    expect(check(answer)).toEqual({
      check: 'EventBridge rules',
      status: 'OK',
      detail: `rule ${world.alarmRule} starts a recovery when alarm ${world.alarmName} goes to ALARM; `
        + `rule ${world.tickRule} sends the tick ({"trigger":"tick"}) on a schedule (rate(1 minute)); enabled, targeting this function`,
    });
    expect(message).toContain(`- EventBridge rules: OK: rule ${world.alarmRule} starts a recovery`);
    expect(world.emulator.requests.of('events', 'ListRuleNamesByTarget').map((r) => r.params.targetArn)).toEqual([world.functionArn]);
  });

  test('the alarm rule disabled: a PROBLEM naming it and the fix; the verdict is the decision core\'s all the same', async () => {
    await start();
    world.emulator.events.setRuleState(world.alarmRule, 'DISABLED');
    const { answer, subject } = await drill();
    expect(subject).toBe('[WARNING] orders-cdc: DRILL: would restart');
    expect(check(answer)).toMatchObject({
      status: 'PROBLEM',
      detail: expect.stringMatching(new RegExp(`^rule ${world.alarmRule} starts a recovery when alarm ${world.alarmName} goes to ALARM, but is disabled: enable it; rule ${world.tickRule}`)),
    });
    expect(status(answer)).toEqual({ ...ALL_GOOD, 'EventBridge rules': 'PROBLEM' });
  });

  test('the tick deleted: a PROBLEM that says what is missing', async () => {
    await start();
    world.emulator.events.deleteRule(world.tickRule);
    const { answer } = await drill();
    expect(check(answer)).toMatchObject({
      status: 'PROBLEM', detail: expect.stringMatching(/^no rule that targets this function sends the tick \(\{"trigger":"tick"\}\) on a schedule: deploy again the stack that holds the function; rule /),
    });
  });

  test('the rules cannot be read (a role without ReadTriggerRules): not checked, with the error', async () => {
    await start();
    world.emulator.faults.reject('events', 'ListRuleNamesByTarget', {
      status: 400, code: 'AccessDeniedException', message: 'User is not authorized to perform: events:ListRuleNamesByTarget',
    });
    const { answer } = await drill();
    expect(check(answer)).toMatchObject({ status: 'NOT_CHECKED', detail: expect.stringMatching(/^could not be read: .*events:ListRuleNamesByTarget/) });
    expect(answer.verdict.outcome).toBe('WOULD_RESTART');
  });
});

describe('drill: would restart', () => {
  test('RESTART_ONLY, healthy connector, alarm OK: would restart; the stored request is not checked (the role may not read it)', async () => {
    await start({ strategy: 'RESTART_ONLY' });
    const { answer, subject, message } = await drill();
    expect(subject).toBe('[INFO] orders-cdc: DRILL: would restart');
    expect(answer.verdict).toEqual({ outcome: 'WOULD_RESTART', because: 'alarm ALARM with connector RUNNING: restarting in place' });
    expect(answer.ifRestartDoesNotHelp).toBeUndefined();
    expect(status(answer)).toEqual({
      ...ALL_GOOD,
      'stored request': 'NOT_CHECKED',
      'stored request compared with the running connector': 'NOT_CHECKED',
      'worker configuration keeps offsets': 'NOT_CHECKED',
    });
    expect(message).toContain('stored request: NOT CHECKED: not checked: the RESTART_ONLY strategy never re-creates');
    expect(message).toContain('What the guard did: Nothing: a drill restarts, deletes and creates nothing');
    expect(world.emulator.requests.of('s3')).toEqual([]);
  });

  test('RESTART_THEN_RECREATE, healthy connector: would restart, and if that did not help would re-create; every check passes', async () => {
    await start();
    const { answer, subject, message } = await drill();
    expect(subject).toBe('[INFO] orders-cdc: DRILL: would restart');
    expect(answer.verdict.outcome).toBe('WOULD_RESTART');
    expect(answer.ifRestartDoesNotHelp).toMatchObject({ outcome: 'WOULD_RECREATE' });
    expect(answer.ifRestartDoesNotHelp!.because).toMatch(/after the restart: deleting to re-create from the stored request$/);
    expect(status(answer)).toEqual(ALL_GOOD);
    expect(message).toContain('If that restart did not help, it would re-create, because');
    expect(message).toContain(`- connector: OK: found by name: ${world.connector()!.arn}, RUNNING`);
    // The drill never touches the record: none exists before the first run, and none after.
    expect(item()).toBe('null');
  });

  test('a record left by a real recovery is read, never written', async () => {
    await start();
    world.setAlarm('ALARM');
    await world.onAlarm(); // a real restart: RESTARTING, one attempt
    clock.advance(MINUTE);
    const { answer } = await drill();
    expect(answer.phase).toBe('RESTARTING');
    expect(answer.checks.find((c) => c.check === 'recovery state')!.detail).toMatch(/^phase RESTARTING; 1 of 3 recovery attempts used/);
    expect(world.mutations()).toEqual(['RestartConnector']); // the real run's, nothing since
  });
});

describe('drill: would re-create', () => {
  test('RESTART_THEN_RECREATE with a FAILED connector', async () => {
    await start();
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    const { answer, subject } = await drill();
    expect(subject).toBe('[WARNING] orders-cdc: DRILL: would re-create'); // the connector check reports FAILED
    expect(answer.verdict).toEqual({ outcome: 'WOULD_RECREATE', because: 'connector FAILED: deleting to re-create from the stored request' });
    expect(status(answer)).toEqual({ ...ALL_GOOD, connector: 'PROBLEM' });
  });

  test('RECREATE with a healthy connector', async () => {
    await start({ strategy: 'RECREATE' });
    const { answer, subject } = await drill();
    expect(subject).toBe('[INFO] orders-cdc: DRILL: would re-create');
    expect(answer.verdict.outcome).toBe('WOULD_RECREATE');
    expect(answer.ifRestartDoesNotHelp).toBeUndefined();
    expect(status(answer)).toEqual(ALL_GOOD);
  });

  test('without offset storage but with allowOffsetReset: would re-create, and the offsets check says they would start from zero', async () => {
    await start({ strategy: 'RECREATE', offsetStorage: false, allowOffsetReset: true });
    const { answer } = await drill();
    expect(answer.verdict).toMatchObject({ outcome: 'WOULD_RECREATE', because: expect.stringContaining('(offset reset allowed)') });
    expect(answer.checks.find((c) => c.check === 'worker configuration keeps offsets')).toMatchObject({
      status: 'PROBLEM', detail: expect.stringContaining('allowOffsetReset: a recreate would start from zero'),
    });
  });
});

describe('drill: would refuse, and says why', () => {
  interface Refusal {
    readonly case: string;
    readonly options?: StartOptions;
    readonly setup?: (w: GuardWorld, c: FakeClock) => void;
    readonly because: string | RegExp;
    readonly detail?: string;
    readonly next?: string;
    readonly problems: Record<string, string>;
  }
  test.each<Refusal>([
    {
      case: 'stale request (the connector was updated since)',
      options: { strategy: 'RECREATE' },
      setup: (w) => {
        const request = w.createRequest() as { connectorConfiguration: Record<string, string> };
        w.emulator.kafkaconnect.updateConnector('orders-cdc', { connectorConfiguration: { ...request.connectorConfiguration, 'snapshot.mode': 'never' } });
      },
      because: 'escalating: stored request differs from the running connector; not deleting',
      detail: 'differs from the running connector in connectorConfiguration.snapshot.mode',
      problems: { 'stored request compared with the running connector': 'PROBLEM' },
    },
    {
      case: 'tags missing from the request (the connector was tagged since)',
      options: { strategy: 'RECREATE' },
      setup: (w) => w.emulator.kafkaconnect.tagConnector('orders-cdc', { 'cost-centre': 'cc-4711' }),
      because: 'escalating: stored request differs from the running connector; not deleting',
      detail: 'differs from the running connector in tags.cost-centre',
      problems: { 'stored request compared with the running connector': 'PROBLEM' },
    },
    {
      case: 'CloudFormation-managed (its stack tag)',
      options: { strategy: 'RECREATE' },
      setup: (w) => w.emulator.kafkaconnect.tagConnector('orders-cdc', { 'aws:cloudformation:stack-name': 'orders-connectors' }),
      because: 'escalating: connector managed by CloudFormation; not deleting',
      detail: 'belongs to CloudFormation stack orders-connectors',
      problems: { 'stored request compared with the running connector': 'PROBLEM' },
    },
    {
      case: 'CloudFormation-managed (a guard built from its CfnConnector)',
      options: { strategy: 'RECREATE', cloudFormationManaged: true },
      because: 'escalating: connector managed by CloudFormation; not deleting',
      problems: { 'stored request compared with the running connector': 'PROBLEM' },
    },
    {
      case: 'connector not describable (DescribeConnector denied)',
      options: { strategy: 'RECREATE' },
      setup: (w) => w.emulator.faults.reject('kafkaconnect', 'DescribeConnector', { status: 403, code: 'AccessDeniedException', message: 'not authorized' }),
      because: 'escalating: running connector could not be compared with the stored request; not deleting',
      problems: { 'stored request compared with the running connector': 'PROBLEM' },
    },
    {
      case: 'stored request missing',
      options: { strategy: 'RECREATE' },
      setup: (w) => w.deleteStoredRequest(),
      because: 'escalating: stored CreateConnector request unusable; not deleting',
      detail: 'could not be read from S3',
      problems: {
        'stored request': 'PROBLEM',
        'stored request compared with the running connector': 'NOT_CHECKED',
        'worker configuration keeps offsets': 'NOT_CHECKED',
      },
    },
    {
      case: 'worker configuration without offset.storage.topic',
      options: { strategy: 'RECREATE', offsetStorage: false },
      because: 'escalating: recreate would lose committed offsets; not deleting',
      problems: { 'worker configuration keeps offsets': 'PROBLEM' },
    },
    {
      case: 'connector not found',
      setup: (w, c) => {
        w.emulator.kafkaconnect.apiDelete(w.connector()!.arn, undefined);
        c.advance(2 * MINUTE);
      },
      because: 'escalating: no connector has exactly the guarded name',
      problems: {
        'connector': 'PROBLEM',
        'stored request compared with the running connector': 'NOT_CHECKED',
      },
    },
    {
      case: 'maintenance switch on (alarm actions disabled)',
      setup: (w) => w.setAlarm('OK', false),
      because: 'maintenance switch on: alarm actions are disabled; not acting',
      problems: { 'composite alarm': 'PROBLEM' },
    },
    {
      case: 'composite alarm missing',
      setup: (w) => w.emulator.cloudwatch.deleteAlarm(w.alarmName),
      because: 'the guard\'s composite alarm does not exist: no alarm would start a recovery',
      problems: { 'composite alarm': 'PROBLEM' },
    },
    {
      case: 'notify-only',
      options: { strategy: 'NOTIFY_ONLY' },
      because: 'notify-only mode: not acting',
      next: 'Next step: No check reports a problem; a recovery would still refuse',
      problems: {
        'stored request': 'NOT_CHECKED',
        'stored request compared with the running connector': 'NOT_CHECKED',
        'worker configuration keeps offsets': 'NOT_CHECKED',
      },
    },
    {
      case: 'recovery budget spent',
      options: { budget: 1 },
      setup: (w, c) => w.emulator.dynamodb.putItem(w.table, {
        pk: { S: w.connectorName },
        version: { N: '4' },
        record: { S: JSON.stringify({ phase: 'IDLE', attempts: [c.now() - 10 * MINUTE] }) },
        leaseOwner: { S: 'run-earlier' },
        leaseUntil: { N: '0' },
      }),
      because: /^escalating: recovery budget exhausted/,
      problems: { 'recovery state': 'PROBLEM' },
    },
    {
      case: 'escalated and not reset',
      setup: (w, c) => w.emulator.dynamodb.putItem(w.table, {
        pk: { S: w.connectorName },
        version: { N: '2' },
        record: { S: JSON.stringify({ phase: 'ESCALATED', phaseSince: c.now() - MINUTE, escalation: 'no connector has exactly the guarded name', attempts: [] }) },
        leaseOwner: { S: 'run-earlier' },
        leaseUntil: { N: '0' },
      }),
      because: /escalat/,
      problems: { 'recovery state': 'PROBLEM' },
    },
  ])('$case', async ({ options, setup, because, detail, next, problems }) => {
    await start(options);
    setup?.(world, clock);
    const { answer, subject, message } = await drill();
    expect(subject).toBe('[WARNING] orders-cdc: DRILL: would refuse');
    expect(answer.verdict.outcome).toBe('WOULD_REFUSE');
    if (typeof because === 'string') {
      expect(answer.verdict.because).toBe(because);
    } else {
      expect(answer.verdict.because).toMatch(because);
    }
    if (detail !== undefined) {
      expect(answer.verdict.detail).toContain(detail);
      expect(message).toContain(detail);
    }
    expect(status(answer)).toEqual({ ...ALL_GOOD, ...problems });
    expect(message).toContain(next ?? 'Next step: Fix what the checks report');
  });

  test('RESTART_THEN_RECREATE on a healthy connector with a stale request: would restart, and if that did not help would refuse', async () => {
    await start();
    world.emulator.kafkaconnect.tagConnector('orders-cdc', { team: 'payments' });
    const { answer, subject, message } = await drill();
    expect(subject).toBe('[WARNING] orders-cdc: DRILL: would restart');
    expect(answer.verdict.outcome).toBe('WOULD_RESTART');
    expect(answer.ifRestartDoesNotHelp).toMatchObject({
      outcome: 'WOULD_REFUSE', because: 'escalating: stored request differs from the running connector; not deleting', detail: expect.stringContaining('tags.team'),
    });
    expect(message).toContain('If that restart did not help, it would refuse, because escalating: stored request differs');
  });

  test('the connector cannot be listed: would refuse, the run would fail; the error is in the report', async () => {
    await start();
    world.emulator.faults.reject('kafkaconnect', 'ListConnectors', { status: 403, code: 'AccessDeniedException', message: 'not authorized to list' }, 10);
    const { answer } = await drill();
    expect(answer.verdict.outcome).toBe('WOULD_REFUSE');
    expect(answer.verdict.because).toMatch(/^a real run would fail: the connector could not be looked up \(.*not authorized to list/);
    expect(answer.checks.find((c) => c.check === 'stored request')).toMatchObject({ status: 'NOT_CHECKED' });
  });
});

test('an unknown action is an error naming the known ones, drill included', async () => {
  await start();
  await expect(world.invoke({ action: 'dril' })).rejects.toThrow(
    /unrecognised event; the recovery function accepts .*\{"action":"recover"\}, \{"action":"reset"\}, \{"action":"status"\} or \{"action":"drill"\}$/,
  );
  expect(world.mutations()).toEqual([]);
  expect(world.notices()).toEqual([]);
});

describe('the drill agrees with the real run that follows it', () => {
  test.each<{ case: string; options?: StartOptions; setup?: (w: GuardWorld) => void; actionsEnabled?: boolean; drill: string; mutations: string[] }>([
    { case: 'healthy connector, RESTART_THEN_RECREATE', drill: 'WOULD_RESTART', mutations: ['RestartConnector'] },
    { case: 'FAILED connector, RESTART_THEN_RECREATE', setup: (w) => w.emulator.kafkaconnect.failConnector('orders-cdc'), drill: 'WOULD_RECREATE', mutations: ['DeleteConnector'] },
    { case: 'healthy connector, RECREATE', options: { strategy: 'RECREATE' }, drill: 'WOULD_RECREATE', mutations: ['DeleteConnector'] },
    {
      case: 'stale request, RECREATE',
      options: { strategy: 'RECREATE' },
      setup: (w) => w.emulator.kafkaconnect.tagConnector('orders-cdc', { team: 'payments' }),
      drill: 'WOULD_REFUSE',
      mutations: [],
    },
    { case: 'maintenance switch on', actionsEnabled: false, drill: 'WOULD_REFUSE', mutations: [] },
    { case: 'notify-only', options: { strategy: 'NOTIFY_ONLY' }, drill: 'WOULD_REFUSE', mutations: [] },
    { case: 'FAILED connector, RESTART_ONLY', options: { strategy: 'RESTART_ONLY' }, setup: (w) => w.emulator.kafkaconnect.failConnector('orders-cdc'), drill: 'WOULD_REFUSE', mutations: [] },
  ])('$case: drill says $drill, the alarm then does it', async ({ options, setup, actionsEnabled = true, drill: expected, mutations }) => {
    await start(options);
    setup?.(world);
    world.setAlarm('OK', actionsEnabled);
    const { answer } = await drill();
    expect(answer.drill).toBe(expected);
    world.setAlarm('ALARM', actionsEnabled);
    await world.onAlarm();
    expect(world.mutations()).toEqual(mutations);
  });
});
