/**
 * One reconcile run against a small in-memory world that implements the Ports: connectors by name,
 * restart operations, the stored request and worker configuration, the composite alarm, a
 * versioned store with a lease (same semantics as DynamoStateStore), recorded notifications and
 * telemetry, and one journal of every call in order. No SDK.
 */
import { BOOTSTRAP_SERVERS, createConnectorRequest } from './fixtures';
import { RECOVERY_METRIC } from '../../src/recovery/constants';
import type { ConnectorView, RecoveryRecord, Settings, TriggerKind } from '../../src/recovery/model';
import { INITIAL_RECORD } from '../../src/recovery/model';
import {
  LeaseLostError, type AlarmReader, type Clock, type ConfigSource, type ConnectorApi, type Leased, type Notifier, type Ports, type StateStore,
  type Telemetry,
} from '../../src/recovery/ports';
import { reconcile, type RunOptions } from '../../src/recovery/reconcile';

const NAME = 'orders';
const ROLE = 'arn:aws:iam::111122223333:role/orders-connector';
const WORKER_ARN = 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/offsets/wc-1';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MIN = 60_000;
const LEASE_MS = 3 * MIN;

const SETTINGS: Settings = {
  connectorName: NAME,
  strategy: 'RESTART_THEN_RECREATE',
  allowOffsetReset: false,
  cooldownMs: 5 * MIN,
  budget: 3,
  budgetWindowMs: 6 * 60 * MIN,
  verifyMs: 5 * MIN,
  operationTimeoutMs: 30 * MIN,
};

const REQUEST = createConnectorRequest({
  name: NAME,
  roleArn: ROLE,
  workerConfigurationArn: WORKER_ARN,
  connectorConfiguration: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' },
});
const OFFSETS_PROPERTIES = 'offset.storage.topic=__orders_offsets\n';

interface StoredItem {
  readonly record: RecoveryRecord;
  readonly version: number;
  readonly leaseOwner: string;
  readonly leaseUntil: number;
}

/** Lets other pending promises run: where a real AWS call would yield. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Everything outside the reconciler, in memory. */
class World {
  public readonly journal: string[] = [];
  public readonly connectors = new Map<string, ConnectorView>();
  public readonly operations = new Map<string, string>();
  public readonly notifications: Array<{ subject: string; message: string }> = [];
  public readonly logs: Array<{ level: 'info' | 'error'; message: string; fields?: Record<string, unknown> }> = [];
  public readonly metrics: Array<{ name: string; value: number; unit: string; dimensions?: Record<string, string> }> = [];
  /** Phase of the stored record at the moment of each connector mutation. */
  public readonly phaseAtMutation: Array<{ call: string; phase?: string }> = [];
  public configText: string | undefined = JSON.stringify(REQUEST);
  public worker: { revision: number; properties: string } | undefined = { revision: 2, properties: OFFSETS_PROPERTIES };
  /** How the connector runs (DescribeConnector) and its tags: by default as the stored request describes it. */
  public running: Record<string, unknown> = { ...REQUEST };
  public runningTags: Record<string, string> = {};
  public alarm = { state: 'ALARM', actionsEnabled: true };
  public item: StoredItem | undefined;
  public now = T0;
  /** Errors thrown by the next call of a port method, keyed like the journal ('connectors.delete'). */
  public readonly failNext = new Map<string, Error>();
  /** Calls that wait for the test to release them. */
  public readonly gates = new Map<string, Promise<void>>();
  private created = 0;
  private ops = 0;

  public connector(state: string, arn = `arn:aws:kafkaconnect:eu-west-1:111122223333:connector/${NAME}/original`): ConnectorView {
    // It runs with the stored request's worker configuration, as a connector whose offsets survive a recreate does.
    const view = { arn, state, currentVersion: 'V1', workerConfigurationArn: WORKER_ARN, workerConfigurationRevision: 2, bootstrapServers: BOOTSTRAP_SERVERS };
    this.connectors.set(NAME, view);
    return view;
  }

  public ports(): Ports {
    const connectors: ConnectorApi = {
      findByName: (name) => this.call('connectors.findByName', () => this.connectors.get(name)),
      operationState: (arn) => this.call('connectors.operationState', () => this.operations.get(arn)),
      restart: (arn) => this.call('connectors.restart', () => {
        this.mutated('connectors.restart');
        const op = `${arn.replace(':connector/', ':connector-operation/')}/op-${++this.ops}`;
        this.operations.set(op, 'RESTART_IN_PROGRESS');
        return op;
      }),
      delete: (arn, currentVersion) => this.call('connectors.delete', () => {
        this.mutated('connectors.delete');
        const c = this.connectors.get(NAME);
        if (c && c.arn === arn) {
          expect(currentVersion).toBe(c.currentVersion);
          this.connectors.set(NAME, { ...c, state: 'DELETING' });
        }
      }),
      create: (request) => this.call('connectors.create', () => {
        this.mutated('connectors.create');
        const name = String(request.connectorName);
        if (!this.connectors.has(name)) { // like MskConnectApi: a ConflictException is swallowed
          this.connectors.set(name, { arn: `arn:aws:kafkaconnect:eu-west-1:111122223333:connector/${name}/new-${++this.created}`, state: 'CREATING' });
        }
      }),
      describe: (arn) => this.call('connectors.describe', () => (this.connectors.get(NAME)?.arn === arn ? { ...this.running, connectorArn: arn } : undefined)),
      tags: (arn) => this.call('connectors.tags', () => (this.connectors.get(NAME)?.arn === arn ? { ...this.runningTags } : undefined)),
      workerProperties: (arn, revision) => this.call('connectors.workerProperties', () => {
        expect(arn).toBe(WORKER_ARN);
        return this.worker && this.worker.revision === revision ? this.worker.properties : undefined;
      }),
    };
    const config: ConfigSource = { read: () => this.call('config.read', () => this.configText) };
    const alarm: AlarmReader = { read: () => this.call('alarm.read', () => ({ ...this.alarm })) };
    const notifier: Notifier = {
      publish: (subject, message) => this.call('notifier.publish', () => {
        this.notifications.push({ subject, message });
      }),
    };
    const store: StateStore = {
      acquire: async (owner, now, leaseMs): Promise<Leased | undefined> => {
        const seen = await this.call('store.acquire', () => this.item);
        await yieldToOthers(); // GetItem and PutItem are two calls: another run may write in between
        if (seen && seen.leaseUntil > now && seen.leaseOwner !== owner) {
          return undefined;
        }
        try {
          return this.put(seen?.record ?? INITIAL_RECORD, seen?.version ?? 0, owner, now + leaseMs);
        } catch (err) {
          if (err instanceof LeaseLostError) {
            return undefined;
          }
          throw err;
        }
      },
      save: (record, version, owner, now, leaseMs, release) => this.call(`store.save:${record.phase}${release ? ':release' : ''}`,
        () => this.put(record, version, owner, release ? 0 : now + leaseMs), 'store.save'),
      peek: () => this.call('store.peek', () => this.item?.record ?? INITIAL_RECORD),
    };
    const clock: Clock = { now: () => this.now };
    const telemetry: Telemetry = {
      info: (message, fields) => { this.logs.push({ level: 'info', message, fields }); },
      error: (message, fields) => { this.logs.push({ level: 'error', message, fields }); },
      metric: (name, value, unit, dimensions) => { this.metrics.push({ name, value, unit, dimensions }); },
    };
    return { connectors, config, alarm, notifier, store, clock, telemetry };
  }

  public count(call: string): number {
    return this.journal.filter((c) => c === call).length;
  }

  public get record(): RecoveryRecord | undefined {
    return this.item?.record;
  }

  public errors(): string[] {
    return this.logs.filter((l) => l.level === 'error').map((l) => l.message);
  }

  private async call<T>(name: string, body: () => T, failKey = name): Promise<T> {
    this.journal.push(name);
    const gate = this.gates.get(failKey);
    if (gate) {
      await gate;
    }
    await yieldToOthers();
    const failure = this.failNext.get(failKey);
    if (failure) {
      this.failNext.delete(failKey);
      throw failure;
    }
    return body();
  }

  private mutated(call: string): void {
    this.phaseAtMutation.push({ call, phase: this.item?.record.phase });
  }

  /** Conditional write like DynamoStateStore.put: the version must not have moved. */
  private put(record: RecoveryRecord, version: number, owner: string, leaseUntil: number): Leased {
    if ((this.item?.version ?? 0) !== version) {
      throw new LeaseLostError();
    }
    this.item = { record: JSON.parse(JSON.stringify(record)), version: version + 1, leaseOwner: owner, leaseUntil };
    return { record, version: version + 1 };
  }
}

let world: World;
let runs = 0;
beforeEach(() => {
  world = new World();
  runs = 0;
});

function options(trigger: TriggerKind = 'TICK', overrides: Partial<RunOptions> = {}): RunOptions {
  runs += 1;
  return { settings: SETTINGS, trigger, runId: `run-${runs}`, leaseMs: LEASE_MS, serviceExecutionRoleArn: ROLE, ...overrides };
}

function run(trigger: TriggerKind = 'TICK', overrides: Partial<RunOptions> = {}) {
  return reconcile(world.ports(), options(trigger, overrides));
}

/** A stored record, as an earlier run left it (lease released). */
function stored(record: RecoveryRecord, version = 7, lease: { owner: string; until: number } = { owner: 'run-0', until: 0 }): void {
  world.item = { record, version, leaseOwner: lease.owner, leaseUntil: lease.until };
}

describe('lease', () => {
  test('held by another run -> LOCKED and no other call', async () => {
    world.connector('RUNNING');
    stored({ phase: 'IDLE', attempts: [] }, 7, { owner: 'other-run', until: T0 + 1 });
    const before = world.item;
    await expect(run('ALARM')).resolves.toEqual({ outcome: 'LOCKED', phase: 'UNKNOWN', action: 'NONE', reason: 'another run holds the lease' });
    expect(world.journal).toEqual(['store.acquire']);
    expect(world.item).toBe(before);
    expect(world.notifications).toEqual([]);
    expect(world.metrics).toEqual([]);
    expect(world.logs).toEqual([{ level: 'info', message: 'another run holds the lease; this run does nothing', fields: { trigger: 'ALARM' } }]);
  });

  test('an expired lease is taken over', async () => {
    world.connector('RUNNING');
    stored({ phase: 'IDLE', attempts: [] }, 7, { owner: 'crashed-run', until: T0 - 1 });
    await expect(run('ALARM')).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART' });
    expect(world.item).toMatchObject({ version: 10, leaseOwner: 'run-1', leaseUntil: 0 });
  });

  test('a finished run releases its lease, so the next run is not locked out', async () => {
    world.alarm = { state: 'OK', actionsEnabled: true };
    world.connector('RUNNING');
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE', action: 'NONE' });
    expect(world.item).toMatchObject({ version: 2, leaseOwner: 'run-1', leaseUntil: 0 });
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED' });
    expect(world.item).toMatchObject({ version: 4, leaseOwner: 'run-2', leaseUntil: 0 });
  });

  test('two concurrent runs: only one acts', async () => {
    world.connector('RUNNING');
    const results = await Promise.all([run('ALARM'), run('TICK')]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['ACTED', 'LOCKED']);
    expect(world.count('connectors.restart')).toBe(1);
    expect(world.record).toMatchObject({ phase: 'RESTARTING' });
  });

  test('a run that starts while another is mid-action is locked out', async () => {
    world.connector('RUNNING');
    const gate = deferred();
    world.gates.set('connectors.restart', gate.promise);
    const first = run('ALARM');
    while (world.count('connectors.restart') === 0) {
      await yieldToOthers();
    }
    world.now += 30_000;
    await expect(run('TICK')).resolves.toMatchObject({ outcome: 'LOCKED' });
    gate.resolve();
    await expect(first).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART' });
    expect(world.count('connectors.restart')).toBe(1);
  });

  test('a run overtaken after its lease expired never acts: its intent save fails with LeaseLostError', async () => {
    world.connector('RUNNING');
    const gate = deferred();
    world.gates.set('connectors.findByName', gate.promise);
    const slow = run('ALARM'); // run-1 takes the lease, then hangs while observing
    while (world.item === undefined) {
      await yieldToOthers();
    }
    world.gates.delete('connectors.findByName');
    world.now += LEASE_MS + 1;
    await expect(run('TICK')).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART' }); // run-2 takes over and restarts
    gate.resolve();
    await expect(slow).rejects.toBeInstanceOf(LeaseLostError);
    expect(world.count('connectors.restart')).toBe(1);
    expect(world.item).toMatchObject({ leaseOwner: 'run-2', record: { phase: 'RESTARTING' } });
    expect(world.errors()).toEqual(['run failed; the next run continues from the saved record']);
  });
});

describe('intent before action', () => {
  test('RESTART: intent saved first, then the call, then the operation ARN saved with the lease released', async () => {
    const c = world.connector('RUNNING');
    const summary = await run('ALARM');
    expect(summary).toEqual({
      outcome: 'ACTED',
      phase: 'RESTARTING',
      action: 'RESTART',
      reason: 'alarm ALARM with connector RUNNING: restarting in place',
      connectorArn: c.arn,
      alarmState: 'ALARM',
    });
    expect(world.journal).toEqual([
      'store.acquire', 'connectors.findByName', 'alarm.read',
      'store.save:RESTARTING', 'connectors.restart', 'store.save:RESTARTING:release',
    ]);
    expect(world.phaseAtMutation).toEqual([{ call: 'connectors.restart', phase: 'RESTARTING' }]);
    expect(world.record).toMatchObject({ phase: 'RESTARTING', connectorArn: c.arn, operationArn: expect.stringContaining(':connector-operation/orders/') });
    expect(world.item?.leaseUntil).toBe(0);
    expect(world.notifications).toEqual([]);
  });

  test('DELETE: stored request read and validated, intent saved, then the delete', async () => {
    const c = world.connector('FAILED');
    await expect(run('ALARM')).resolves.toMatchObject({ outcome: 'ACTED', phase: 'DELETING', action: 'DELETE' });
    expect(world.journal).toEqual([
      'store.acquire', 'connectors.findByName', 'alarm.read', 'config.read', 'connectors.workerProperties', 'connectors.describe', 'connectors.tags',
      'store.save:DELETING', 'connectors.delete', 'store.save:DELETING:release',
    ]);
    expect(world.phaseAtMutation).toEqual([{ call: 'connectors.delete', phase: 'DELETING' }]);
    expect(world.record).toMatchObject({ phase: 'DELETING', connectorArn: c.arn });
  });

  test('CREATE: once the old connector is gone, intent CREATING saved, then the create with the stored request', async () => {
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', phase: 'CREATING', action: 'CREATE' });
    expect(world.journal).toEqual([
      'store.acquire', 'connectors.findByName', 'alarm.read', 'config.read', 'connectors.workerProperties',
      'store.save:CREATING', 'connectors.create', 'store.save:CREATING:release',
    ]);
    expect(world.phaseAtMutation).toEqual([{ call: 'connectors.create', phase: 'CREATING' }]);
    expect(world.connectors.get(NAME)).toMatchObject({ state: 'CREATING' });
  });

  test('NONE: nothing but the final save', async () => {
    world.alarm = { state: 'OK', actionsEnabled: true };
    world.connector('RUNNING');
    await run();
    expect(world.journal).toEqual(['store.acquire', 'connectors.findByName', 'alarm.read', 'store.save:IDLE:release']);
  });

  test('RESTARTING with an operation follows it with DescribeConnectorOperation', async () => {
    const c = world.connector('RUNNING');
    world.operations.set('op-1', 'RESTART_COMPLETE');
    stored({ phase: 'RESTARTING', phaseSince: T0 - MIN, connectorArn: c.arn, operationArn: 'op-1', attempts: [T0 - MIN] });
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'VERIFYING' });
    expect(world.journal).toEqual(['store.acquire', 'connectors.findByName', 'alarm.read', 'connectors.operationState', 'store.save:VERIFYING:release']);
  });
});

describe('crashes between steps: the next run completes the work', () => {
  test('a throw in the delete call leaves DELETING; the next run re-issues the delete, then creates', async () => {
    const c = world.connector('FAILED');
    world.failNext.set('connectors.delete', new Error('socket hang up'));
    await expect(run('ALARM')).rejects.toThrow('socket hang up');
    expect(world.record).toMatchObject({ phase: 'DELETING', connectorArn: c.arn });
    expect(world.errors()).toEqual(['run failed; the next run continues from the saved record']);
    expect(world.logs.find((l) => l.level === 'error')?.fields).toEqual({ error: 'Error: socket hang up', phase: 'DELETING' });
    // The failed run released its lease, and (the connector being mid-recreate) told a human, once.
    expect(world.item).toMatchObject({ leaseOwner: 'run-1', leaseUntil: 0, record: { phase: 'DELETING', slowNoticeSent: true } });
    expect(world.count('notifier.publish')).toBe(1);

    // Within 5 minutes of the intent the guard waits (the delete may have gone through, its answer lost).
    world.now += MIN;
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'DELETING' });
    expect(world.count('connectors.delete')).toBe(1);
    world.now += 4 * MIN;
    world.journal.length = 0;
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', action: 'DELETE', phase: 'DELETING' });
    // (Whether the stored request is read again first is the policy's business; the intent still comes first.)
    const at = world.journal.indexOf('connectors.delete');
    expect(world.journal.slice(at - 1)).toEqual(['store.save:DELETING', 'connectors.delete', 'store.save:DELETING:release']);
    expect(world.phaseAtMutation.slice(-1)).toEqual([{ call: 'connectors.delete', phase: 'DELETING' }]);
    expect(world.connectors.get(NAME)).toMatchObject({ arn: c.arn, state: 'DELETING' });

    world.now += MIN;
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'DELETING', reason: 'delete in progress; waiting' });
    world.connectors.delete(NAME); // the delete finishes
    world.now += MIN;
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE', phase: 'CREATING' });
    expect(world.count('connectors.delete')).toBe(1); // since the journal was cleared: the re-issued delete only
    expect(world.count('connectors.create')).toBe(1);
    expect(world.count('notifier.publish')).toBe(0); // no second 'failing' notice for the same phase
  });

  test('a crash after the delete and before the create (final save fails): the next run creates', async () => {
    world.connector('FAILED');
    // The intent save succeeds and the final save fails: the run dies right after DeleteConnector returned.
    const ports = world.ports();
    const save = ports.store.save.bind(ports.store);
    let saves = 0;
    const crashing: Ports = {
      ...ports,
      store: {
        acquire: ports.store.acquire.bind(ports.store),
        peek: ports.store.peek.bind(ports.store),
        save: async (...args) => {
          if (++saves === 2) {
            throw new Error('lambda timed out');
          }
          return save(...args);
        },
      },
    };
    await expect(reconcile(crashing, options('ALARM'))).rejects.toThrow('lambda timed out');
    expect(world.count('connectors.delete')).toBe(1);
    expect(world.record).toMatchObject({ phase: 'DELETING' });

    world.connectors.delete(NAME); // the delete finished meanwhile
    world.now += LEASE_MS + 1;
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE', phase: 'CREATING' });
    expect(world.connectors.get(NAME)).toMatchObject({ state: 'CREATING' });
  });

  test('a throw in the create call leaves CREATING; the next run issues the create again', async () => {
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.failNext.set('connectors.create', new Error('ServiceUnavailableException'));
    await expect(run()).rejects.toThrow('ServiceUnavailableException');
    expect(world.record).toMatchObject({ phase: 'CREATING' });
    expect(world.connectors.has(NAME)).toBe(false);

    world.now += LEASE_MS + 1;
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE', phase: 'CREATING' });
    expect(world.connectors.get(NAME)).toMatchObject({ state: 'CREATING' });
  });

  test('a failing S3 read while deleted: the run fails, the record stays, the next run creates', async () => {
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.failNext.set('config.read', new Error('AccessDenied'));
    await expect(run()).rejects.toThrow('AccessDenied');
    expect(world.record).toMatchObject({ phase: 'DELETING' });
    expect(world.count('connectors.create')).toBe(0);
    world.now += LEASE_MS + 1;
    await expect(run()).resolves.toMatchObject({ action: 'CREATE' });
  });

  test('once deleted, the connector is re-created even with the maintenance switch on and the alarm OK', async () => {
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.alarm = { state: 'OK', actionsEnabled: false };
    await expect(run()).resolves.toMatchObject({ outcome: 'ACTED', action: 'CREATE' });
  });

  test('deleted and the stored request became invalid: CRITICAL notice that the connector is DELETED', async () => {
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.configText = '{ not json';
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'ESCALATED' });
    expect(world.count('connectors.create')).toBe(0);
    expect(world.notifications).toHaveLength(1);
    expect(world.notifications[0].subject).toBe('[CRITICAL] orders: needs a human: connector deleted but the stored request is no longer usable');
    expect(world.notifications[0].message).toContain('It is DELETED.');
  });

  test('a restart call that throws leaves RESTARTING without an operation ARN; the next runs wait, then verify', async () => {
    const c = world.connector('RUNNING');
    world.failNext.set('connectors.restart', new Error('timeout'));
    await expect(run('ALARM')).rejects.toThrow('timeout');
    expect(world.record).toMatchObject({ phase: 'RESTARTING', connectorArn: c.arn });
    expect(world.record?.operationArn).toBeUndefined();
    world.now += LEASE_MS + 1;
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'VERIFYING' });
    expect(world.count('connectors.restart')).toBe(1);
  });
});

describe('a refused restart', () => {
  test('BadRequest from RestartConnector: no restart happened, back to IDLE with the attempt counted', async () => {
    const c = world.connector('RUNNING');
    world.failNext.set('connectors.restart', Object.assign(new Error('Connector is not RUNNING'), { name: 'BadRequestException' }));
    await expect(run('ALARM')).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART', phase: 'IDLE' });
    expect(world.record).toMatchObject({ phase: 'IDLE', attempts: [T0] });
    expect(world.record?.connectorArn).toBeUndefined();
    expect(c.state).toBe('RUNNING');
  });

  test('Conflict on a retry (the first attempt may have started the restart): followed as a restart, verified once RUNNING', async () => {
    const c = world.connector('RUNNING');
    world.failNext.set('connectors.restart', Object.assign(new Error('Another operation is in progress'),
      { name: 'ConflictException', $metadata: { attempts: 2 } }));
    await expect(run('ALARM')).resolves.toMatchObject({ outcome: 'ACTED', action: 'RESTART', phase: 'RESTARTING' });
    expect(world.record).toMatchObject({ phase: 'RESTARTING', connectorArn: c.arn, attempts: [T0], restartUnconfirmed: true });
    expect(world.record?.operationArn).toBeUndefined();
    world.now += LEASE_MS + 1;
    await expect(run()).resolves.toMatchObject({ outcome: 'WAITED', phase: 'VERIFYING' });
    expect(world.count('connectors.restart')).toBe(1);
    // unconfirmed, it never leads to a recreate: after the verification period the guard goes back to IDLE
    world.now += 60 * 60_000;
    await expect(run()).resolves.toMatchObject({ phase: 'IDLE' });
    expect(world.count('connectors.delete')).toBe(0);
  });

  test('a delete refused on a retry (the first attempt may have been accepted) is treated as accepted, not as a failure', async () => {
    world.connector('FAILED');
    world.failNext.set('connectors.delete', Object.assign(new Error('Connector is DELETING'), { name: 'ConflictException', $metadata: { attempts: 3 } }));
    await expect(run('ALARM')).resolves.toMatchObject({ action: 'DELETE', phase: 'DELETING' });
    expect(world.record).toMatchObject({ phase: 'DELETING', deleteAccepted: true });
  });

  test('a delete AWS accepted is remembered: a stale listing right after it is not a delete that did not take', async () => {
    world.connector('FAILED');
    await expect(run('ALARM')).resolves.toMatchObject({ action: 'DELETE', phase: 'DELETING' });
    expect(world.record).toMatchObject({ phase: 'DELETING', deleteAccepted: true });
  });
});

describe('the stored request (LOAD_CONFIG)', () => {
  test('read once, with the worker configuration\'s properties: offsets preserved -> delete', async () => {
    world.connector('FAILED');
    await run('ALARM');
    expect(world.count('config.read')).toBe(1);
    expect(world.count('connectors.workerProperties')).toBe(1);
    expect(world.count('connectors.delete')).toBe(1);
  });

  test('worker configuration not at its latest revision -> no delete, escalation', async () => {
    world.connector('FAILED');
    world.worker = { revision: 3, properties: OFFSETS_PROPERTIES };
    await expect(run('ALARM')).resolves.toMatchObject({ outcome: 'WAITED', phase: 'ESCALATED', reason: 'escalating: recreate would lose committed offsets; not deleting' });
    expect(world.count('config.read')).toBe(1);
    expect(world.count('connectors.delete')).toBe(0);
    expect(world.notifications[0].message).toContain('Nothing was deleted');
  });

  test('worker properties without offset.storage.topic -> no delete', async () => {
    world.connector('FAILED');
    world.worker = { revision: 2, properties: '# offset.storage.topic=commented-out\n' };
    await expect(run('ALARM')).resolves.toMatchObject({ phase: 'ESCALATED' });
    expect(world.count('connectors.delete')).toBe(0);
  });

  test('no worker configuration in the request: DescribeWorkerConfiguration not called; delete only with allowOffsetReset', async () => {
    world.connector('FAILED');
    const { workerConfiguration: _omit, ...noWorker } = REQUEST;
    world.configText = JSON.stringify(noWorker);
    world.running = noWorker;
    await expect(run('ALARM')).resolves.toMatchObject({ phase: 'ESCALATED', reason: 'escalating: recreate would lose committed offsets; not deleting' });
    expect(world.count('connectors.workerProperties')).toBe(0);

    world = new World();
    world.connector('FAILED');
    world.configText = JSON.stringify(noWorker);
    world.running = noWorker;
    await expect(run('ALARM', { settings: { ...SETTINGS, allowOffsetReset: true } })).resolves.toMatchObject({ action: 'DELETE' });
    expect(world.count('connectors.workerProperties')).toBe(0);
  });

  test('missing object -> no delete', async () => {
    world.connector('FAILED');
    world.configText = undefined;
    await expect(run('ALARM')).resolves.toMatchObject({ phase: 'ESCALATED', reason: 'escalating: stored CreateConnector request unusable; not deleting' });
    expect(world.count('connectors.delete')).toBe(0);
  });

  test('a request naming another role -> no delete', async () => {
    world.connector('FAILED');
    world.configText = JSON.stringify({ ...REQUEST, serviceExecutionRoleArn: 'arn:aws:iam::111122223333:role/admin' });
    await expect(run('ALARM')).resolves.toMatchObject({ phase: 'ESCALATED' });
    expect(world.count('connectors.delete')).toBe(0);
  });
});

describe('notifications and metrics', () => {
  test('a notification failure does not fail the run and is logged with the text', async () => {
    stored({ phase: 'ESCALATED', escalation: 'budget', attempts: [] });
    world.failNext.set('notifier.publish', new Error('AuthorizationError'));
    await expect(run('MANUAL_RESET')).resolves.toMatchObject({ outcome: 'WAITED', phase: 'IDLE' });
    expect(world.record).toEqual({ phase: 'IDLE', attempts: [] });
    const failure = world.logs.find((l) => l.message === 'notification failed');
    expect(failure).toMatchObject({
      level: 'error',
      fields: { error: 'Error: AuthorizationError', subject: '[INFO] orders: guard reset by an operator', body: expect.stringContaining('Connector: orders') },
    });
  });

  test('an escalation whose notice cannot be sent fails the run (the guard stops acting, so a human must hear of it)', async () => {
    world.failNext.set('notifier.publish', new Error('AuthorizationError'));
    await expect(run('ALARM')).rejects.toThrow('AuthorizationError'); // no connector with the name: escalation
    expect(world.record).toMatchObject({ phase: 'ESCALATED' });
  });

  test('the notice is sent after the record is saved', async () => {
    world.connector('PAUSED');
    await run('ALARM');
    expect(world.journal.slice(-2)).toEqual(['store.save:IDLE:release', 'notifier.publish']);
    expect(world.notifications).toEqual([{ subject: '[WARNING] orders: connector paused, not recovering', message: expect.stringContaining('PAUSED') }]);
  });

  test('a lasting condition is reported once', async () => {
    world.connector('PAUSED');
    await run('ALARM');
    world.now += MIN;
    await run();
    expect(world.notifications).toHaveLength(1);
  });

  test('STEP_STARTED -> RecoveryStepStarted with the step', async () => {
    world.connector('RUNNING');
    await run('ALARM');
    expect(world.metrics).toEqual([{ name: RECOVERY_METRIC.STEP_STARTED, value: 1, unit: 'Count', dimensions: { ConnectorName: NAME, Step: 'restart' } }]);
    world = new World();
    world.connector('FAILED');
    await run('ALARM');
    expect(world.metrics).toEqual([{ name: RECOVERY_METRIC.STEP_STARTED, value: 1, unit: 'Count', dimensions: { ConnectorName: NAME, Step: 'recreate' } }]);
  });

  test('RECOVERED -> Recovered and TimeToRecoverSeconds, plus the recovered notice', async () => {
    const c = world.connector('RUNNING');
    world.alarm = { state: 'OK', actionsEnabled: true };
    stored({
      phase: 'VERIFYING',
      phaseSince: T0 - MIN,
      connectorArn: c.arn,
      attempts: [T0 - 4 * MIN],
      incident: { startedAt: T0 - 4 * MIN, trigger: 'ALARM', initialState: 'RUNNING', steps: ['restart'] },
    });
    await expect(run()).resolves.toMatchObject({ phase: 'IDLE', reason: 'alarm back to OK: recovered' });
    expect(world.metrics).toEqual([
      { name: RECOVERY_METRIC.RECOVERED, value: 1, unit: 'Count', dimensions: { ConnectorName: NAME } },
      { name: RECOVERY_METRIC.TIME_TO_RECOVER, value: 240, unit: 'Seconds', dimensions: { ConnectorName: NAME } },
    ]);
    expect(world.notifications.map((n) => n.subject)).toEqual(['[INFO] orders: connector recovered']);
  });

  test('ESCALATED -> Escalated', async () => {
    await run('ALARM'); // no connector with the name
    expect(world.metrics).toEqual([{ name: RECOVERY_METRIC.ESCALATED, value: 1, unit: 'Count', dimensions: { ConnectorName: NAME } }]);
    expect(world.record).toMatchObject({ phase: 'ESCALATED' });
  });

  test('no event -> no metric', async () => {
    world.connector('RUNNING');
    world.alarm = { state: 'OK', actionsEnabled: true };
    await run();
    expect(world.metrics).toEqual([]);
  });

  test('a decision log line per run with what was seen', async () => {
    const c = world.connector('RUNNING');
    await run('ALARM');
    expect(world.logs.find((l) => l.message === 'decision')?.fields).toMatchObject({
      trigger: 'ALARM',
      phase: 'IDLE',
      nextPhase: 'RESTARTING',
      action: 'RESTART',
      connectorState: 'RUNNING',
      connectorArn: c.arn,
      alarmState: 'ALARM',
      actionsEnabled: true,
    });
  });

  test('a thrown non-Error is logged as text and rethrown', async () => {
    world.failNext.set('alarm.read', 'socket closed' as unknown as Error);
    await expect(run('ALARM')).rejects.toBe('socket closed');
    expect(world.logs.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', message: 'run failed; the next run continues from the saved record', fields: { error: 'socket closed', phase: 'IDLE' } },
    ]);
  });

  test('a lost lease at the final save fails the run and sends nothing', async () => {
    world.connector('PAUSED');
    const ports = world.ports();
    const lost: Ports = {
      ...ports,
      store: {
        acquire: ports.store.acquire.bind(ports.store),
        peek: ports.store.peek.bind(ports.store),
        save: async () => {
          throw new LeaseLostError();
        },
      },
    };
    await expect(reconcile(lost, options('ALARM'))).rejects.toBeInstanceOf(LeaseLostError);
    expect(world.notifications).toEqual([]);
  });
});

describe('a whole incident', () => {
  test('restart that does not help -> recreate -> recovered, the connector never left deleted', async () => {
    const c = world.connector('RUNNING');
    const step = async (trigger: TriggerKind = 'TICK') => {
      const summary = await run(trigger);
      world.now += MIN;
      return summary;
    };
    expect(await step('ALARM')).toMatchObject({ action: 'RESTART' });
    world.operations.forEach((_, op) => world.operations.set(op, 'RESTART_COMPLETE'));
    expect(await step()).toMatchObject({ phase: 'VERIFYING' });
    const whileVerifying: string[] = [];
    let summary = await step();
    while (summary.action === 'NONE' && whileVerifying.length < 10) {
      whileVerifying.push(summary.phase); // still ALARM while verifying
      summary = await step();
    }
    expect(whileVerifying).toEqual(['VERIFYING', 'VERIFYING', 'VERIFYING', 'VERIFYING']);
    expect(summary).toMatchObject({ action: 'DELETE', phase: 'DELETING', reason: expect.stringContaining('the alarm is still ALARM 5 min after the restart') });
    expect(world.connectors.get(NAME)).toMatchObject({ arn: c.arn, state: 'DELETING' });
    world.connectors.delete(NAME);
    expect(await step()).toMatchObject({ action: 'CREATE', phase: 'CREATING' });
    expect(await step()).toMatchObject({ action: 'NONE', phase: 'CREATING' });
    const created = world.connectors.get(NAME)!;
    world.connectors.set(NAME, { ...created, state: 'RUNNING' });
    expect(await step()).toMatchObject({ phase: 'VERIFYING', connectorArn: created.arn });
    world.alarm = { state: 'OK', actionsEnabled: true };
    expect(await step()).toMatchObject({ phase: 'IDLE', reason: 'alarm back to OK: recovered' });
    expect(world.notifications.map((n) => n.subject)).toEqual(['[INFO] orders: connector recovered']);
    expect(world.metrics.map((m) => m.name)).toEqual([
      RECOVERY_METRIC.STEP_STARTED, RECOVERY_METRIC.STEP_STARTED, RECOVERY_METRIC.RECOVERED, RECOVERY_METRIC.TIME_TO_RECOVER,
    ]);
    expect(world.phaseAtMutation).toEqual([
      { call: 'connectors.restart', phase: 'RESTARTING' },
      { call: 'connectors.delete', phase: 'DELETING' },
      { call: 'connectors.create', phase: 'CREATING' },
    ]);
  });
});

describe('nothing secret leaves: error text without configuration values', () => {
  const PASSWORD = 'hunter2-secret';
  const RUNNING_PASSWORD = 'rotated-9f3a7c';
  const withPassword = (password: string) => createConnectorRequest({
    name: NAME,
    roleArn: ROLE,
    workerConfigurationArn: WORKER_ARN,
    connectorConfiguration: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.password': password },
  });
  /** What the SDK throws when CreateConnector answers 400 with a message that quotes the request. */
  const echoingBadRequest = (password: string) => Object.assign(
    new Error(`Invalid connector configuration: database.password=${password} was rejected`),
    { name: 'BadRequestException', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'req-create-1', attempts: 1 } },
  );
  const everything = () => JSON.stringify({ logs: world.logs, notifications: world.notifications, record: world.item });

  test('a create refused with a message that echoes the stored request: the log line, the CRITICAL notice and the thrown error name the key, keep name and request ID', async () => {
    // GIVEN the connector was deleted, and AWS refuses the create quoting the password it was sent
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.configText = JSON.stringify(withPassword(PASSWORD));
    world.failNext.set('connectors.create', echoingBadRequest(PASSWORD));

    // WHEN the run creates
    const thrown = await run().then(() => undefined, (e: unknown) => e as Error & { $metadata?: unknown; $fault?: unknown });

    // THEN it throws the error with its name and metadata (what retries and refusals are decided on), scrubbed
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown!.name).toBe('BadRequestException');
    expect(thrown!.$metadata).toEqual({ httpStatusCode: 400, requestId: 'req-create-1', attempts: 1 });
    expect(thrown!.$fault).toBe('client');
    expect(thrown!.message).toBe('Invalid connector configuration: database.password=<value of database.password> was rejected');
    expect(thrown!.stack).not.toContain(PASSWORD);
    // AND the log line and the CRITICAL notice say what failed, with the request ID, and no value
    const described = 'BadRequestException: Invalid connector configuration: database.password=<value of database.password> was rejected '
      + '(HTTP 400, request ID req-create-1)';
    expect(world.logs.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', message: 'run failed; the next run continues from the saved record', fields: { error: described, phase: 'CREATING' } },
    ]);
    expect(world.notifications.map((n) => n.subject)).toEqual(['[CRITICAL] orders: recovery step failing while re-creating the connector']);
    expect(world.notifications[0].message).toContain(`A recovery step failed while re-creating the connector: ${described}.`);
    expect(everything()).not.toContain(PASSWORD);
    expect(world.record).toMatchObject({ phase: 'CREATING', slowNoticeSent: true });
  });

  test('a DynamoDB error after the read is scrubbed too: the line that says the lease could not be released', async () => {
    // GIVEN the create fails, and so does the save that would release the lease, both quoting the password
    stored({ phase: 'DELETING', phaseSince: T0 - MIN, connectorArn: 'arn:old', attempts: [T0 - MIN] });
    world.configText = JSON.stringify(withPassword(PASSWORD));
    const ports = world.ports();
    const failing: Ports = {
      ...ports,
      connectors: {
        ...ports.connectors,
        create: async () => {
          world.failNext.set('store.save', Object.assign(new Error(`item too large: ${PASSWORD}`), { name: 'ValidationException' }));
          throw echoingBadRequest(PASSWORD);
        },
      },
    };

    // WHEN the run creates
    await expect(reconcile(failing, options())).rejects.toThrow('database.password=<value of database.password>');

    // THEN both log lines name the error and the key, never the value
    expect(world.logs.filter((l) => l.level === 'error').map((l) => [l.message, l.fields?.error])).toEqual([
      ['run failed; the next run continues from the saved record', expect.stringMatching(/^BadRequestException: .*<value of database\.password>/)],
      ['could not release the lease; it expires by itself', 'ValidationException: item too large: <value of database.password>'],
    ]);
    expect(everything()).not.toContain(PASSWORD);
  });

  test('a value of the running connector (DescribeConnector), not in the stored request, is scrubbed too: the notification-failed line', async () => {
    // GIVEN a FAILED connector whose running password was rotated since the request was stored (a difference: no delete, a notice)
    world.connector('FAILED');
    world.configText = JSON.stringify(withPassword(PASSWORD));
    world.running = withPassword(RUNNING_PASSWORD);
    // AND SNS refuses the notice with a message that quotes the running value
    world.failNext.set('notifier.publish', Object.assign(new Error(`rejected: ${RUNNING_PASSWORD}`), { name: 'InvalidParameterException' }));

    // WHEN the alarm fires
    await run('ALARM').catch(() => undefined);

    // THEN the delete was refused, and the line that logs the failed notice names the key instead of the value
    expect(world.count('connectors.delete')).toBe(0);
    const failure = world.logs.find((l) => l.message === 'notification failed');
    expect(failure?.fields?.error).toBe('InvalidParameterException: rejected: <value of database.password>');
    expect(everything()).not.toContain(RUNNING_PASSWORD);
  });
});
