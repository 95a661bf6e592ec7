import {
  CreateConnectorCommand,
  DeleteConnectorCommand,
  DescribeConnectorCommand,
  DescribeConnectorOperationCommand,
  KafkaConnectClient,
  ListConnectorOperationsCommand,
  RestartConnectorCommand,
} from '@aws-sdk/client-kafkaconnect';
import { ACCOUNT, connectorInput, credentials, errorOf, REGION } from './helpers';
import { AwsEmulator, FakeClock } from '../../tools/emulator';

const MIN = 60_000;

describe('MSK Connect lifecycle (fake clock)', () => {
  let clock: FakeClock;
  let emulator: AwsEmulator;
  let kc: KafkaConnectClient;

  beforeEach(async () => {
    clock = new FakeClock();
    emulator = new AwsEmulator({
      region: REGION,
      account: ACCOUNT,
      clock,
      seed: 'lifecycle',
      durations: { createMs: 5 * MIN, deleteMs: 2 * MIN, restartMs: MIN, restartPendingMs: 10_000 },
    });
    const endpoint = await emulator.start();
    kc = new KafkaConnectClient({ region: REGION, endpoint, credentials });
  });

  afterEach(async () => {
    kc.destroy();
    await emulator.stop();
  });

  const describe_ = (connectorArn: string) => kc.send(new DescribeConnectorCommand({ connectorArn }));

  test('create -> CREATING -> RUNNING, describe echoes the create request', async () => {
    const input = connectorInput('orders-cdc', {
      connectorDescription: 'orders',
      workerConfiguration: undefined,
      logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: 'lg' } } },
    });
    const created = await kc.send(new CreateConnectorCommand(input));
    expect(created.connectorState).toBe('CREATING');
    expect(created.connectorName).toBe('orders-cdc');
    expect(created.connectorArn).toMatch(
      new RegExp(`^arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:connector/orders-cdc/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-\\d+$`),
    );
    const arn = created.connectorArn!;

    clock.advance(5 * MIN - 1);
    expect((await describe_(arn)).connectorState).toBe('CREATING');
    clock.advance(1);
    const d = await describe_(arn);
    expect(d.connectorState).toBe('RUNNING');
    expect(d.connectorArn).toBe(arn);
    expect(d.connectorName).toBe('orders-cdc');
    expect(d.creationTime).toEqual(new Date(clock.now() - 5 * MIN));
    expect(d.currentVersion).toMatch(/^[A-Z0-9]{14}$/);
    expect(d.connectorConfiguration).toEqual(input.connectorConfiguration);
    expect(d.capacity).toEqual(input.capacity);
    expect(d.kafkaCluster).toEqual(input.kafkaCluster);
    expect(d.kafkaClusterClientAuthentication).toEqual({ authenticationType: 'IAM' });
    expect(d.kafkaClusterEncryptionInTransit).toEqual({ encryptionType: 'TLS' });
    expect(d.kafkaConnectVersion).toBe('2.7.1');
    expect(d.plugins).toEqual(input.plugins);
    expect(d.serviceExecutionRoleArn).toBe(input.serviceExecutionRoleArn);
    expect(d.logDelivery).toEqual(input.logDelivery);
    expect(d.connectorDescription).toBe('orders');
  });

  test('restart: PENDING -> RESTART_IN_PROGRESS -> RESTART_COMPLETE, connector RESTARTING -> RUNNING', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    const { connectorOperationArn } = await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    expect(connectorOperationArn).toMatch(
      new RegExp(`^arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:connector-operation/c1/${arn.split('/').pop()}/[0-9a-f-]{36}$`),
    );
    const op = () => kc.send(new DescribeConnectorOperationCommand({ connectorOperationArn }));

    let o = await op();
    expect(o.connectorOperationState).toBe('PENDING');
    expect(o.connectorOperationType).toBe('RESTART_CONNECTOR');
    expect(o.connectorArn).toBe(arn);
    expect(o.endTime).toBeUndefined();
    expect((await describe_(arn)).connectorState).toBe('RESTARTING');

    clock.advance(10_000);
    expect((await op()).connectorOperationState).toBe('RESTART_IN_PROGRESS');

    clock.advance(MIN - 10_000);
    o = await op();
    expect(o.connectorOperationState).toBe('RESTART_COMPLETE');
    expect(o.endTime).toEqual(new Date(clock.now()));
    expect((await describe_(arn)).connectorState).toBe('RUNNING');

    const listed = await kc.send(new ListConnectorOperationsCommand({ connectorArn: arn }));
    expect(listed.connectorOperations).toEqual([
      expect.objectContaining({ connectorOperationArn, connectorOperationState: 'RESTART_COMPLETE', connectorOperationType: 'RESTART_CONNECTOR' }),
    ]);
  });

  test('delete -> DELETING -> NotFound; recreate gets a new ARN and version', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    const before = await describe_(arn);
    const deleted = await kc.send(new DeleteConnectorCommand({ connectorArn: arn, currentVersion: before.currentVersion }));
    expect(deleted).toMatchObject({ connectorArn: arn, connectorState: 'DELETING' });
    expect((await describe_(arn)).connectorState).toBe('DELETING');

    clock.advance(2 * MIN);
    const gone = await errorOf(() => describe_(arn));
    expect(gone.name).toBe('NotFoundException');
    expect(gone.$metadata?.httpStatusCode).toBe(404);

    const again = await kc.send(new CreateConnectorCommand(connectorInput('c1')));
    expect(again.connectorArn).not.toBe(arn);
    clock.advance(5 * MIN);
    const d = await describe_(again.connectorArn!);
    expect(d.connectorState).toBe('RUNNING');
    expect(d.currentVersion).not.toBe(before.currentVersion);
  });

  test('same seed gives the same ARNs; different seed differs', () => {
    const a = new AwsEmulator({ seed: 7, clock });
    const b = new AwsEmulator({ seed: 7, clock });
    const c = new AwsEmulator({ seed: 8, clock });
    const arns = [a, b, c].map(e => e.kafkaconnect.addConnector(connectorInput('x')));
    expect(arns[0]).toBe(arns[1]);
    expect(arns[0]).not.toBe(arns[2]);
  });

  test('offsets survive a restart', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    const kcm = emulator.kafkaconnect;
    kcm.commitOffsets('c1', 100);
    expect(kcm.offsetTopic('c1')).toBe(`__amazon_msk_connect_offsets_c1_${arn.split('/').pop()}`);
    await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    clock.advance(MIN);
    expect(kcm.connector('c1')?.state).toBe('RUNNING');
    expect(kcm.committedOffset('c1')).toBe(100);
    expect(kcm.commitOffsets('c1', 5)).toBe(105);
  });

  test('recreate with the default offsets topic starts from zero', async () => {
    const kcm = emulator.kafkaconnect;
    const arn = kcm.addConnector(connectorInput('c1'), { running: true });
    kcm.commitOffsets('c1', 42);
    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    clock.advance(2 * MIN);
    expect(kcm.connector('c1')).toBeUndefined();
    expect(kcm.committedOffset('c1')).toBe(42); // still observable after deletion
    await kc.send(new CreateConnectorCommand(connectorInput('c1')));
    expect(kcm.committedOffset('c1')).toBe(0);
  });

  test('recreate keeps offsets when the worker configuration pins offset.storage.topic', async () => {
    const kcm = emulator.kafkaconnect;
    const wcArn = `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:worker-configuration/pinned/wc-1`;
    kcm.registerWorkerConfiguration(wcArn, 3, [
      '# worker config',
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.topic = orders-offsets',
    ].join('\n'));
    const input = connectorInput('c1', { workerConfiguration: { workerConfigurationArn: wcArn, revision: 3 } });
    const arn = kcm.addConnector(input, { running: true });
    expect(kcm.offsetTopic('c1')).toBe('orders-offsets');
    kcm.commitOffsets('c1', 42);

    expect((await describe_(arn)).workerConfiguration).toEqual({ workerConfigurationArn: wcArn, revision: 3 });
    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    clock.advance(2 * MIN);
    await kc.send(new CreateConnectorCommand(input));
    expect(kcm.committedOffset('c1')).toBe(42);
    expect(kcm.topicOffset('orders-offsets')).toBe(42);
  });

  test('create referencing an unregistered worker configuration is NotFound', async () => {
    const input = connectorInput('c1', { workerConfiguration: { workerConfigurationArn: 'arn:aws:kafkaconnect:x:1:worker-configuration/nope/1', revision: 1 } });
    const err = await errorOf(() => kc.send(new CreateConnectorCommand(input)));
    expect(err.name).toBe('NotFoundException');
  });

  test('health: restart heals, restartDoesNotHelp keeps it, recreate is healthy', async () => {
    const kcm = emulator.kafkaconnect;
    let arn = kcm.addConnector(connectorInput('c1'), { running: true });
    expect(kcm.health('c1')).toBe('healthy');
    expect(kcm.isProcessing('c1')).toBe(true);

    kcm.setHealth('c1', 'silent');
    expect(kcm.isProcessing('c1')).toBe(false);
    expect((await describe_(arn)).connectorState).toBe('RUNNING'); // silence is invisible to the API
    await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    expect(kcm.health('c1')).toBe('silent'); // not healed until the restart completes
    clock.advance(MIN);
    expect(kcm.health('c1')).toBe('healthy');

    emulator.faults.restartDoesNotHelp('c1');
    kcm.setHealth('c1', 'failed-task');
    await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    clock.advance(MIN);
    expect(kcm.connector('c1')).toMatchObject({ state: 'RUNNING', health: 'failed-task' });

    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    clock.advance(2 * MIN);
    arn = (await kc.send(new CreateConnectorCommand(connectorInput('c1')))).connectorArn!;
    expect(kcm.isProcessing('c1')).toBe(false); // CREATING
    clock.advance(5 * MIN);
    expect(kcm.connector('c1')).toMatchObject({ arn, state: 'RUNNING', health: 'healthy' });
  });

  test('failNextCreate ends in FAILED with a state description', async () => {
    emulator.faults.failNextCreate('c1');
    const { connectorArn } = await kc.send(new CreateConnectorCommand(connectorInput('c1')));
    clock.advance(5 * MIN);
    const d = await describe_(connectorArn!);
    expect(d.connectorState).toBe('FAILED');
    expect(d.stateDescription?.message).toMatch(/injected/);
    const err = await errorOf(() => kc.send(new RestartConnectorCommand({ connectorArn })));
    expect(err.name).toBe('BadRequestException');
  });

  test('failNextRestart: operation RESTART_FAILED, connector back to RUNNING, health unchanged', async () => {
    const kcm = emulator.kafkaconnect;
    const arn = kcm.addConnector(connectorInput('c1'), { running: true });
    kcm.setHealth('c1', 'silent');
    emulator.faults.failNextRestart('c1');
    const { connectorOperationArn } = await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    clock.advance(MIN);
    const o = await kc.send(new DescribeConnectorOperationCommand({ connectorOperationArn }));
    expect(o.connectorOperationState).toBe('RESTART_FAILED');
    expect(o.errorInfo?.message).toMatch(/injected/);
    expect(kcm.connector('c1')).toMatchObject({ state: 'RUNNING', health: 'silent' });

    // one-shot: the next restart succeeds
    await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    clock.advance(MIN);
    expect(kcm.health('c1')).toBe('healthy');
  });

  test('failConnector and forceState drive arbitrary states', async () => {
    const kcm = emulator.kafkaconnect;
    const arn = kcm.addConnector(connectorInput('c1'), { running: true });
    kcm.forceState('c1', 'UPDATING', 30_000);
    expect((await describe_(arn)).connectorState).toBe('UPDATING');
    clock.advance(30_000);
    expect((await describe_(arn)).connectorState).toBe('RUNNING');

    kcm.failConnector('c1', 'worker crashed');
    const d = await describe_(arn);
    expect(d.connectorState).toBe('FAILED');
    expect(d.stateDescription).toEqual({ code: 'EMULATOR_INJECTED_FAILURE', message: 'worker crashed' });
  });

  test('Infinity durations leave a connector stuck', async () => {
    emulator.faults.setDurations({ createMs: Infinity });
    const { connectorArn } = await kc.send(new CreateConnectorCommand(connectorInput('stuck')));
    clock.advance(365 * 24 * 60 * MIN);
    expect((await describe_(connectorArn!)).connectorState).toBe('CREATING');
  });

  test('deleting during a restart fails the in-flight operation', async () => {
    const arn = emulator.kafkaconnect.addConnector(connectorInput('c1'), { running: true });
    const { connectorOperationArn } = await kc.send(new RestartConnectorCommand({ connectorArn: arn }));
    clock.advance(20_000);
    await kc.send(new DeleteConnectorCommand({ connectorArn: arn }));
    const o = await kc.send(new DescribeConnectorOperationCommand({ connectorOperationArn }));
    expect(o.connectorOperationState).toBe('RESTART_FAILED');
    clock.advance(2 * MIN);
    const err = await errorOf(() => kc.send(new DescribeConnectorOperationCommand({ connectorOperationArn })));
    expect(err.name).toBe('NotFoundException');
  });
});
