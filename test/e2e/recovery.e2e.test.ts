/**
 * End to end: the recovery function as bundled in the package (assets/), through the real AWS SDK
 * clients over HTTP, against the loopback emulator, on a fake clock.
 */
import { alarmFollowsHealth, expectEnd, MINUTE, startWorld, tickUntil } from './harness';
import type { FakeClock } from '../../tools/emulator';
import type { GuardWorld } from '../../tools/simulate/world';

let world: GuardWorld;
let clock: FakeClock;

// Each test runs tens of real invocations over HTTP: a few seconds on a loaded 2-core machine, not jest's default 5.
jest.setTimeout(30_000);

afterEach(async () => {
  await world?.stop();
});

function subjects(): string[] {
  return world.notices().map((n) => n.subject ?? '');
}

function noSecretsInNotices(): void {
  for (const n of world.notices()) {
    expect(n.message).not.toContain('hunter2');
    expect(n.message).not.toContain('orders-db.internal');
  }
}

describe('recovery', () => {
  test('silent failure fixed by an in-place restart: same ARN, offsets kept, one notice', async () => {
    // GIVEN a RUNNING connector that stopped producing, with committed offsets
    ({ world, clock } = await startWorld({ committedOffsets: 1200 }));
    const { kafkaconnect } = world.emulator;
    const arn = world.connector()!.arn;
    kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM');
    // WHEN the alarm fires and the ticks follow
    await world.onAlarm();
    const minutes = await tickUntil(world, clock, () => world.notices().length > 0, alarmFollowsHealth(world));
    // THEN
    expect(world.mutations()).toEqual(['RestartConnector']);
    expect(world.connector()).toMatchObject({ arn, state: 'RUNNING', health: 'healthy' });
    expect(kafkaconnect.committedOffset('orders-cdc')).toBe(1200);
    expect(subjects()).toEqual(['[INFO] orders-cdc: connector recovered']);
    expect(world.notices()[0].message).toContain('Recovered by restart');
    expect(minutes).toBeLessThanOrEqual(3);
    noSecretsInNotices();
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'same',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['RestartConnector'],
    });
  });

  test('errored tasks on Kafka Connect 3.7: only the failed tasks are restarted (onlyFailedTasks), as the composite\'s StateReasonData names the errored-tasks alarm', async () => {
    ({ world, clock } = await startWorld());
    const { kafkaconnect, cloudwatch } = world.emulator;
    kafkaconnect.setHealth('orders-cdc', 'failed-task');
    const errored = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-cdc-debezium-guard-errored-tasks';
    cloudwatch.setAlarm(world.alarmName, { state: 'ALARM', reasonData: JSON.stringify({ triggeringAlarms: [{ arn: errored, state: { value: 'ALARM' } }] }) });
    await world.onAlarm();
    await tickUntil(world, clock, () => world.notices().length > 0, alarmFollowsHealth(world));
    const restarts = world.emulator.requests.entries.filter((r) => r.operation === 'RestartConnector');
    expect(restarts.map((r) => [r.status, r.params.onlyFailedTasks])).toEqual([[200, 'true']]);
    expect(subjects()).toEqual(['[INFO] orders-cdc: connector recovered']);
  });

  test('restart did not help: re-created from the stored request, resumes from committed offsets', async () => {
    // GIVEN a worker configuration with offset.storage.topic, and a failure a restart cannot fix
    ({ world, clock } = await startWorld({ committedOffsets: 500 }));
    const { kafkaconnect, faults } = world.emulator;
    const oldArn = world.connector()!.arn;
    kafkaconnect.setHealth('orders-cdc', 'silent');
    faults.restartDoesNotHelp('orders-cdc');
    world.setAlarm('ALARM');
    // WHEN
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    // THEN: restart, then delete + create; a new ARN, the same offsets
    expect(world.mutations()).toEqual(['RestartConnector', 'DeleteConnector', 'CreateConnector']);
    expect(world.connector()!.arn).not.toBe(oldArn);
    expect(world.connector()).toMatchObject({ state: 'RUNNING', health: 'healthy' });
    expect(kafkaconnect.committedOffset('orders-cdc')).toBe(500);
    expect(world.notices().at(-1)!.message).toContain('Recovered by restart then recreate');
    noSecretsInNotices();
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['RestartConnector', 'DeleteConnector', 'CreateConnector'],
    });
  });

  test('a FAILED connector (which cannot be restarted) is re-created', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.failConnector('orders-cdc', 'task died');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    expect(world.mutations()).toEqual(['DeleteConnector', 'CreateConnector']);
    expect(world.connector()).toMatchObject({ state: 'RUNNING' });
    expect(world.notices().at(-1)!.message).toContain('Recovered by recreate');
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['DeleteConnector', 'CreateConnector'],
    });
  });

  test('the recreate reads the worker configuration before deleting anything', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    const calls = world.emulator.requests.calls();
    expect(calls.indexOf('s3:GetObject')).toBeGreaterThan(-1);
    expect(calls.indexOf('kafkaconnect:DescribeWorkerConfiguration')).toBeLessThan(calls.indexOf('kafkaconnect:DeleteConnector'));
    expect(calls.indexOf('s3:GetObject')).toBeLessThan(calls.indexOf('kafkaconnect:DeleteConnector'));
    // The delete was accepted and nothing else happened yet: the old connector is going, no notice.
    expectEnd(world, { state: 'DELETING', arn: 'same', offsets: 'kept', phase: 'DELETING', subjects: [], mutations: ['DeleteConnector'] });
  });
});

describe('nothing is deleted when the recreate is not provably safe', () => {
  const UNUSABLE = '[WARNING] orders-cdc: needs a human: stored CreateConnector request unusable; not deleting';
  const LOSES_OFFSETS = '[WARNING] orders-cdc: needs a human: recreate would lose committed offsets; not deleting';
  const STALE = '[WARNING] orders-cdc: needs a human: stored request differs from the running connector; not deleting';
  const MANAGED = '[WARNING] orders-cdc: needs a human: connector managed by CloudFormation; not deleting';
  test.each([
    { case: 'stored request missing', setup: (w: GuardWorld) => w.deleteStoredRequest(), text: 'could not be read from S3', subject: UNUSABLE },
    { case: 'stored request not JSON', setup: (w: GuardWorld) => w.storeRequest('{"connectorName": "orders-cdc",'), text: 'not valid JSON', subject: UNUSABLE },
    {
      case: 'stored request names another connector',
      setup: (w: GuardWorld) => w.storeRequest(JSON.stringify({ ...w.createRequest(), connectorName: 'payments-cdc' })),
      text: 'connectorName must equal the guarded connector "orders-cdc"',
      subject: UNUSABLE,
    },
    {
      case: 'stored request passes another role',
      setup: (w: GuardWorld) => w.storeRequest(JSON.stringify({ ...w.createRequest(), serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/admin' })),
      text: 'serviceExecutionRoleArn must equal the role given to the guard',
      subject: UNUSABLE,
    },
    {
      case: 'no worker configuration with offset.storage.topic',
      setup: (w: GuardWorld) => {
        // The connector runs that way too (so the request is not stale): its offsets live in a topic of its own.
        w.emulator.kafkaconnect.updateConnector('orders-cdc', { workerConfiguration: undefined });
        w.storeRequest(JSON.stringify({ ...w.createRequest(), workerConfiguration: undefined }));
      },
      text: 'not proven to resume from the committed offsets: the stored request names no worker configuration',
      subject: LOSES_OFFSETS,
    },
    {
      // Revision 2 sets an offsets topic the running connector (on revision 1) never wrote to.
      case: 'stored request names a newer worker configuration revision than the running connector uses',
      setup: (w: GuardWorld) => {
        w.emulator.kafkaconnect.registerWorkerConfiguration(w.workerConfigurationArn, 2, 'offset.storage.topic=__offsets_new\n');
        const workerConfiguration = { workerConfigurationArn: w.workerConfigurationArn, revision: 2 };
        w.storeRequest(JSON.stringify({ ...w.createRequest(), workerConfiguration }));
      },
      text: 'differs from the running connector in workerConfiguration: a recreate from it would revert that change',
      subject: STALE,
    },
    {
      case: 'stored request points at another Kafka cluster',
      setup: (w: GuardWorld) => {
        const request = w.createRequest() as { kafkaCluster: { apacheKafkaCluster: Record<string, unknown> } };
        request.kafkaCluster.apacheKafkaCluster.bootstrapServers = 'b-1.other-cluster.example:9098';
        w.storeRequest(JSON.stringify(request));
      },
      text: 'differs from the running connector in kafkaCluster: a recreate from it would revert that change',
      subject: STALE,
    },
    {
      case: 'connector updated since its request was stored (UpdateConnector: configuration and capacity)',
      setup: (w: GuardWorld) => {
        const request = w.createRequest() as { connectorConfiguration: Record<string, string> };
        w.emulator.kafkaconnect.updateConnector('orders-cdc', {
          connectorConfiguration: { ...request.connectorConfiguration, 'table.include.list': 'inventory.orders,inventory.refunds', 'snapshot.mode': 'never' },
          capacity: { provisionedCapacity: { mcuCount: 2, workerCount: 2 } },
        });
      },
      text: 'differs from the running connector in capacity, connectorConfiguration.snapshot.mode, connectorConfiguration.table.include.list: '
        + 'a recreate from it would revert those changes',
      subject: STALE,
    },
    {
      case: 'connector tagged since its request was stored',
      setup: (w: GuardWorld) => w.emulator.kafkaconnect.tagConnector('orders-cdc', { 'cost-centre': 'cc-4711', 'aws:cloudformation:logical-id': 'ignored' }),
      text: 'differs from the running connector in tags.cost-centre:',
      subject: STALE,
    },
    {
      case: 'connector managed by a CloudFormation stack (its aws:cloudformation:stack-name tag)',
      setup: (w: GuardWorld) => w.emulator.kafkaconnect.tagConnector('orders-cdc', { 'aws:cloudformation:stack-name': 'orders-connectors' }),
      text: 'the connector belongs to CloudFormation stack orders-connectors',
      subject: MANAGED,
    },
    {
      // Whoever can write the one S3 object must not choose what runs under the connector's role, with its database credentials.
      case: 'stored request tampered with to reshape the connector (no authentication, plaintext, records produced elsewhere)',
      setup: (w: GuardWorld) => {
        const request = w.createRequest() as { connectorConfiguration: Record<string, string> };
        w.storeRequest(JSON.stringify({
          ...request,
          kafkaClusterClientAuthentication: { authenticationType: 'NONE' },
          kafkaClusterEncryptionInTransit: { encryptionType: 'PLAINTEXT' },
          connectorConfiguration: { ...request.connectorConfiguration, 'producer.override.bootstrap.servers': 'attacker.example:9092' },
        }));
      },
      text: 'differs from the running connector in connectorConfiguration.producer.override.bootstrap.servers, kafkaClusterClientAuthentication, '
        + 'kafkaClusterEncryptionInTransit: a recreate from it would revert those changes',
      subject: STALE,
    },
    {
      // The bucket name was released and registered again by someone else, who placed a request there.
      case: 'the config bucket now belongs to another account (ExpectedBucketOwner)',
      setup: (w: GuardWorld) => {
        const request = JSON.stringify(w.createRequest());
        w.emulator.s3.deleteBucket(w.bucket);
        w.emulator.s3.createBucket(w.bucket, '999999999999');
        w.storeRequest(request);
      },
      text: 'could not be read from S3',
      subject: UNUSABLE,
    },
    {
      case: 'stored request with a field the guard does not compare',
      setup: (w: GuardWorld) => w.storeRequest(JSON.stringify({ ...w.createRequest(), someNewApiField: { enabled: true } })),
      text: '"someNewApiField" is not a field the guard compares with the running connector',
      subject: UNUSABLE,
    },
    {
      case: 'stored request with a plugin CreateConnector would refuse',
      setup: (w: GuardWorld) => w.storeRequest(JSON.stringify({ ...w.createRequest(), plugins: [{}] })),
      text: 'plugins.0.customPlugin.customPluginArn is required',
      subject: UNUSABLE,
    },
  ])('$case: no delete, connector untouched, a notice that says why', async ({ setup, text, subject }) => {
    // GIVEN a FAILED connector (only a recreate could help)
    ({ world, clock } = await startWorld());
    const arn = world.connector()!.arn;
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    setup(world);
    world.setAlarm('ALARM');
    // WHEN
    await world.onAlarm();
    await tickUntil(world, clock, () => false, undefined, 10).catch(() => undefined);
    // THEN
    expect(world.mutations()).toEqual([]);
    expect(world.connector()).toMatchObject({ arn, state: 'FAILED' });
    expect(subjects()).toHaveLength(1);
    expect(subjects()[0]).toMatch(/^\[WARNING\] orders-cdc: needs a human: /);
    expect(world.notices()[0].message).toContain(text);
    expect(world.notices()[0].message).toContain('Nothing was deleted');
    noSecretsInNotices();
    expectEnd(world, { state: 'FAILED', arn: 'same', offsets: 'kept', phase: 'ESCALATED', subjects: [subject], mutations: [] });
  });

  test('without offset storage but with allowOffsetReset the recreate goes ahead', async () => {
    ({ world, clock } = await startWorld({ offsetStorage: false, allowOffsetReset: true }));
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    expect(world.mutations()).toEqual(['DeleteConnector', 'CreateConnector']);
    // MSK's default offsets topic embeds the connector id: the new connector starts from zero, and the notice says so.
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'reset',
      phase: 'IDLE',
      subjects: ['[WARNING] orders-cdc: connector recovered, committed offsets reset'],
      mutations: ['DeleteConnector', 'CreateConnector'],
    });
  });
});

describe('faults', () => {
  test('throttling and 5xx storms are retried by the SDK and the recovery completes', async () => {
    ({ world, clock } = await startWorld());
    const { faults, kafkaconnect } = world.emulator;
    kafkaconnect.setHealth('orders-cdc', 'silent');
    faults.restartDoesNotHelp('orders-cdc');
    world.setAlarm('ALARM');
    faults.throttle('kafkaconnect', '*', 4);
    faults.serverError('kafkaconnect', 'DeleteConnector', 2, 503);
    faults.throttle('dynamodb', '*', 2);
    faults.serverError('s3', '*', 2, 500);
    faults.throttle('sns', '*', 2);
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    expect(world.mutations()).toEqual(['RestartConnector', 'DeleteConnector', 'CreateConnector']);
    expect(faults.pendingErrors()).toBe(0);
    expect(world.emulator.requests.entries.filter((r) => r.injected).length).toBe(4 + 2 + 2 + 2 + 2);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['RestartConnector', 'DeleteConnector', 'CreateConnector'],
    });
  });

  test('a lost DynamoDB answer on the save before a CRITICAL notice: the SDK\'s retry is recognised as the same write, the notice is sent', async () => {
    // GIVEN the guard deleted a FAILED connector, and the stored request was removed after the delete
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.failConnector('orders-cdc', 'task died');
    world.setAlarm('ALARM');
    await world.onAlarm();
    expect(world.mutations()).toEqual(['DeleteConnector']);
    world.deleteStoredRequest();
    clock.advance(2 * MINUTE);
    // WHEN the answer to the run's final save (its second PutItem) is lost after DynamoDB applied it
    let puts = 0;
    world.emulator.faults.onRequest = (_service, operation) => (operation === 'PutItem' && ++puts === 2 ? 'drop-after' : undefined);
    await world.tick();
    world.emulator.faults.onRequest = undefined;
    for (let i = 0; i < 5; i++) {
      clock.advance(MINUTE);
      await world.tick();
    }
    // THEN the run went on to its notice, once; the connector stays deleted and the create owed
    expect(puts).toBeGreaterThanOrEqual(3); // the lost write and the SDK's retry of it
    expectEnd(world, {
      state: 'absent',
      arn: 'same',
      offsets: 'kept',
      phase: 'ESCALATED',
      subjects: [expect.stringMatching(/^\[CRITICAL\] orders-cdc: needs a human: connector deleted but the stored request is no longer usable/) as unknown as string],
      mutations: ['DeleteConnector'],
    });
  });

  test('the create meets a Conflict with a connector someone else made meanwhile, without offset storage: the recovery notice says offsets may be reset', async () => {
    // GIVEN the guard deleted a FAILED connector
    ({ world, clock } = await startWorld());
    const kc = world.emulator.kafkaconnect;
    kc.failConnector('orders-cdc', 'task died');
    world.setAlarm('ALARM');
    await world.onAlarm();
    // WHEN, just before its create, someone creates a connector of that name without the worker configuration
    world.emulator.faults.onRequest = (_service, operation) => {
      if (operation === 'CreateConnector') {
        world.emulator.faults.onRequest = undefined;
        kc.addConnector({ ...world.createRequest(), workerConfiguration: undefined }, { running: true });
      }
      return undefined;
    };
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    // THEN the guard's create was refused, it adopted that connector, and did not call it a clean recovery
    expect(world.emulator.requests.of('kafkaconnect', 'CreateConnector').map((r) => r.errorCode)).toEqual(['ConflictException']);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'reset',
      phase: 'IDLE',
      subjects: ['[WARNING] orders-cdc: connector recovered, committed offsets reset'],
      mutations: ['DeleteConnector'],
    });
    expect(world.notices()[0].message).toContain('someone else may have created it');
  });

  test('a slow delete: the guard waits, reports once, and re-creates when the delete finishes', async () => {
    ({ world, clock } = await startWorld({ durations: { deleteMs: 45 * MINUTE, createMs: 2 * MINUTE, restartMs: MINUTE } }));
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    expect(subjects()).toEqual(['[WARNING] orders-cdc: recovery taking longer than expected', '[INFO] orders-cdc: connector recovered']);
    expect(world.mutations()).toEqual(['DeleteConnector', 'CreateConnector']);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[WARNING] orders-cdc: recovery taking longer than expected', '[INFO] orders-cdc: connector recovered'],
      mutations: ['DeleteConnector', 'CreateConnector'],
    });
  });

  test('the stored request is changed to another Kafka cluster during a slow delete: no create from it; restored, the connector comes back', async () => {
    ({ world, clock } = await startWorld({ durations: { deleteMs: 10 * MINUTE, createMs: 2 * MINUTE, restartMs: MINUTE } }));
    const original = JSON.stringify(world.createRequest());
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm(); // deletes (the request was proven safe against the running connector)
    const moved = world.createRequest() as { kafkaCluster: { apacheKafkaCluster: Record<string, unknown> } };
    moved.kafkaCluster.apacheKafkaCluster.bootstrapServers = 'b-1.other-cluster.example:9098';
    world.storeRequest(JSON.stringify(moved));
    await tickUntil(world, clock, () => subjects().some((s) => s.startsWith('[CRITICAL]')), undefined, 30);
    expect(world.connector()).toBeUndefined();
    expect(world.mutations()).toEqual(['DeleteConnector']);
    expect(world.notices().find((n) => n.subject?.startsWith('[CRITICAL]'))!.message)
      .toContain('it changed since the delete, in kafkaCluster; it must describe the connector the guard deleted (restore it as it was)');
    // WHEN someone puts the original request back, the next tick re-creates the connector, with its offsets
    world.storeRequest(original);
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    expect(world.mutations()).toEqual(['DeleteConnector', 'CreateConnector']);
    noSecretsInNotices();
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: [
        '[CRITICAL] orders-cdc: needs a human: connector deleted but the stored request is no longer usable',
        '[INFO] orders-cdc: connector recovered',
      ],
      mutations: ['DeleteConnector', 'CreateConnector'],
    });
  });

  test('the stored request is swapped during a slow delete for one that reshapes the connector (no auth, plaintext, another configuration): no create from it', async () => {
    ({ world, clock } = await startWorld({ durations: { deleteMs: 10 * MINUTE, createMs: 2 * MINUTE, restartMs: MINUTE } }));
    const original = world.createRequest() as { connectorConfiguration: Record<string, string> };
    world.emulator.kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    world.storeRequest(JSON.stringify({
      ...original,
      kafkaClusterClientAuthentication: { authenticationType: 'NONE' },
      kafkaClusterEncryptionInTransit: { encryptionType: 'PLAINTEXT' },
      connectorConfiguration: { ...original.connectorConfiguration, 'producer.override.bootstrap.servers': 'attacker.example:9092' },
    }));
    await tickUntil(world, clock, () => subjects().some((s) => s.startsWith('[CRITICAL]')), undefined, 30);
    expect(world.connector()).toBeUndefined();
    expect(world.mutations()).toEqual(['DeleteConnector']);
    const critical = world.notices().find((n) => n.subject?.startsWith('[CRITICAL]'))!.message;
    expect(critical).toContain('it changed since the delete, in connectorConfiguration, kafkaClusterClientAuthentication, kafkaClusterEncryptionInTransit;');
    expect(critical).not.toContain('attacker.example');
    noSecretsInNotices();
  });

  test('the function dies between the delete and the create: the next run creates the connector', async () => {
    // GIVEN a run that is killed (the Lambda times out) when it calls CreateConnector
    ({ world, clock } = await startWorld());
    const { faults, kafkaconnect } = world.emulator;
    kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    let killed = 0;
    faults.onRequest = (_service, operation) => (operation === 'CreateConnector' && killed++ === 0 ? 'hang' : undefined);
    await world.onAlarm(); // deletes
    clock.advance(2 * MINUTE);
    const dying = world.tick(); // reaches CreateConnector and hangs: this run never returns
    dying.catch(() => undefined);
    // Until its CreateConnector hangs: a fixed sleep raced it on a loaded machine, and the next tick's
    // create (after the lease expired in fake time) was then the one that hung, and the test with it.
    for (let waited = 0; world.emulator.requests.of('kafkaconnect', 'CreateConnector').length === 0; waited += 10) {
      if (waited >= 10_000) {
        throw new Error('the dying run never reached CreateConnector');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(kafkaconnect.connector('orders-cdc')).toBeUndefined();
    // WHEN the next ticks run (the dead run's lease expires after 3 minutes)
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    // THEN the connector exists again and is running
    expect(world.connector()).toMatchObject({ state: 'RUNNING' });
    expect(world.emulator.requests.of('kafkaconnect', 'CreateConnector').length).toBeGreaterThanOrEqual(2);
    // The hung create never got an answer, so only the retry counts as a mutation.
    expect(world.emulator.requests.of('kafkaconnect', 'CreateConnector').map((r) => r.status)).toEqual(['hung', 200]);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['DeleteConnector', 'CreateConnector'],
    });
  });

  test('two alarm events at once: one recovery', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM');
    const results = await Promise.all([world.onAlarm(), world.onAlarm(), world.onAlarm()]);
    expect(world.mutations()).toEqual(['RestartConnector']);
    expect(results.filter((r) => r.outcome === 'ACTED')).toHaveLength(1);
    // THEN the one restart runs to completion, and nothing else is started meanwhile
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    await tickUntil(world, clock, () => false, alarmFollowsHealth(world), 10).catch(() => undefined);
    expect(world.emulator.requests.of('kafkaconnect', 'RestartConnector')).toHaveLength(1);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'same',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered'],
      mutations: ['RestartConnector'],
    });
  });

  test('a second incident after a recreate changed the ARN is handled on the new connector', async () => {
    ({ world, clock } = await startWorld());
    const { kafkaconnect } = world.emulator;
    kafkaconnect.failConnector('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('recovered')), alarmFollowsHealth(world));
    const newArn = world.connector()!.arn;
    // WHEN the new connector fails silently later
    clock.advance(60 * MINUTE);
    kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().filter((s) => s.includes('recovered')).length === 2, alarmFollowsHealth(world));
    // THEN it was restarted by name, on the new ARN
    const restart = world.emulator.requests.of('kafkaconnect', 'RestartConnector').at(-1)!;
    expect(restart.params.connectorArn).toBe(newArn);
    expect(world.connector()!.arn).toBe(newArn);
    expect(world.notices().map((n) => n.message.split('\n').find((l) => l.startsWith('What the guard did:'))))
      .toEqual([expect.stringContaining('Recovered by recreate'), expect.stringContaining('Recovered by restart')]);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'healthy',
      arn: 'new',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[INFO] orders-cdc: connector recovered', '[INFO] orders-cdc: connector recovered'],
      mutations: ['DeleteConnector', 'CreateConnector', 'RestartConnector'],
    });
  });
});

describe('limits and switches', () => {
  test('budget exhausted: escalation once, then no more action', async () => {
    ({ world, clock } = await startWorld({ strategy: 'RESTART_ONLY', budget: 2, cooldownMs: MINUTE }));
    const { kafkaconnect, faults } = world.emulator;
    kafkaconnect.setHealth('orders-cdc', 'silent');
    faults.restartDoesNotHelp('orders-cdc');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => subjects().some((s) => s.includes('needs a human')), alarmFollowsHealth(world));
    const actions = world.mutations().length;
    await tickUntil(world, clock, () => false, alarmFollowsHealth(world), 30).catch(() => undefined);
    expect(world.mutations()).toEqual(['RestartConnector', 'RestartConnector']);
    expect(world.mutations()).toHaveLength(actions);
    expect(subjects().filter((s) => s.includes('needs a human'))).toEqual(['[WARNING] orders-cdc: needs a human: recovery budget exhausted (2 attempts in the window)']);
    // The restarts completed but did not heal it: still RUNNING, still silent, same connector.
    expectEnd(world, {
      state: 'RUNNING',
      health: 'silent',
      arn: 'same',
      offsets: 'kept',
      phase: 'ESCALATED',
      subjects: ['[WARNING] orders-cdc: needs a human: recovery budget exhausted (2 attempts in the window)'],
      mutations: ['RestartConnector', 'RestartConnector'],
    });
  });

  test('an alarm flapping for 2 hours (3 min in ALARM, 5 min OK): one notice per incident the budget absorbs, one escalation, then quiet', async () => {
    ({ world, clock } = await startWorld());
    const T_START = clock.now();
    // Each 8-minute cycle: the alarm event, a tick (the restart completes), the OK event, a tick.
    const runs: Array<[minute: number, state: 'ALARM' | 'OK', event: boolean]> = [[0, 'ALARM', true], [2, 'ALARM', false], [3, 'OK', true], [4, 'OK', false]];
    for (let start = 0; start < 2 * 60; start += 8) {
      for (const [minute, state, event] of runs) {
        clock.set(T_START + (start + minute) * MINUTE);
        world.setAlarm(state);
        await (event ? world.onAlarm() : world.tick());
      }
    }
    // 3 recoveries (the default budget: 3 in 6 hours), the escalation saying when the guard acts again, and nothing more
    expect(subjects()).toEqual([
      '[INFO] orders-cdc: connector recovered',
      '[INFO] orders-cdc: connector recovered',
      '[INFO] orders-cdc: connector recovered',
      '[WARNING] orders-cdc: needs a human: recovery budget exhausted (3 attempts in the window)',
    ]);
    expect(world.notices()[3].message).toMatch(/No further notice until \d{4}-\d\d-\d\dT/);
    expect(world.mutations()).toEqual(['RestartConnector', 'RestartConnector', 'RestartConnector']);
  });

  test('maintenance switch (alarm actions disabled): nothing happens, one notice', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM', false);
    await world.onAlarm();
    await tickUntil(world, clock, () => false, undefined, 10).catch(() => undefined);
    expect(world.mutations()).toEqual([]);
    expect(subjects()).toEqual(['[WARNING] orders-cdc: alarm in maintenance, not recovering']);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'silent',
      arn: 'same',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[WARNING] orders-cdc: alarm in maintenance, not recovering'],
      mutations: [],
    });
  });

  test('notify-only: nothing happens, one notice per incident', async () => {
    ({ world, clock } = await startWorld({ strategy: 'NOTIFY_ONLY' }));
    world.emulator.kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM');
    await world.onAlarm();
    await tickUntil(world, clock, () => false, undefined, 10).catch(() => undefined);
    expect(world.mutations()).toEqual([]);
    expect(subjects()).toEqual(['[WARNING] orders-cdc: silent failure suspected (notify-only)']);
    expectEnd(world, {
      state: 'RUNNING',
      health: 'silent',
      arn: 'same',
      offsets: 'kept',
      phase: 'IDLE',
      subjects: ['[WARNING] orders-cdc: silent failure suspected (notify-only)'],
      mutations: [],
    });
  });

  test('status never acts', async () => {
    ({ world, clock } = await startWorld());
    world.emulator.kafkaconnect.setHealth('orders-cdc', 'silent');
    world.setAlarm('ALARM');
    const result = await world.manual('status');
    expect(result).toMatchObject({ outcome: 'WAITED', phase: 'IDLE' });
    expect(world.mutations()).toEqual([]);
    expectEnd(world, { state: 'RUNNING', health: 'silent', arn: 'same', offsets: 'kept', phase: 'IDLE', subjects: [], mutations: [] });
  });
});
