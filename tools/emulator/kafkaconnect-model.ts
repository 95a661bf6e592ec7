import type { Clock } from './clock';
import type { Faults } from './faults';
import type { IdGenerator } from './ids';
import { ConnectorSpec, parseProperties, validateCreateConnector } from './kafkaconnect-validation';
import { isoTime, isRecord, ServiceError } from './wire';

export type ConnectorState =
  | 'CREATING' | 'RUNNING' | 'UPDATING' | 'DELETING' | 'FAILED' | 'PAUSING' | 'PAUSED' | 'RESUMING' | 'RESTARTING';

/** Simulation-only health, invisible through the API (that is the point: MSK reports RUNNING either way). */
export type ConnectorHealth = 'healthy' | 'silent' | 'failed-task';

export type OperationState = 'PENDING' | 'RESTART_IN_PROGRESS' | 'RESTART_COMPLETE' | 'RESTART_FAILED';

/** A read-only snapshot of a live connector, for tests. */
export interface ConnectorInfo {
  readonly arn: string;
  readonly name: string;
  readonly state: ConnectorState;
  readonly health: ConnectorHealth;
  readonly currentVersion: string;
  readonly offsetTopic: string;
  /** ms epoch. */
  readonly createdAt: number;
}

/** A read-only snapshot of a connector operation. */
export interface OperationInfo {
  readonly arn: string;
  readonly connectorArn: string;
  readonly state: OperationState;
  readonly createdAt: number;
  /** Set once the operation finished. */
  readonly endedAt?: number;
}

interface OperationRecord {
  readonly arn: string;
  readonly connectorArn: string;
  readonly createdAt: number;
  readonly pendingUntil: number;
  endAt: number;
  failed: boolean;
  errorMessage?: string;
  readonly keepsHealth: boolean;
}

/** `then: 'GONE'` means the connector disappears when the transition ends. */
interface Transition {
  readonly until: number;
  readonly then: ConnectorState | 'GONE';
}

interface ConnectorRecord {
  readonly arn: string;
  readonly name: string;
  readonly seq: number;
  readonly createdAt: number;
  /** What the connector runs with: the create request, as later updates changed it. */
  spec: ConnectorSpec;
  /** Tags, user and system (`aws:`), as ListTagsForResource returns them. */
  tags: Record<string, string>;
  readonly topic: string;
  currentVersion: string;
  state: ConnectorState;
  transition?: Transition;
  stateDescription?: { code: string; message: string };
  health: ConnectorHealth;
  activeOp?: OperationRecord;
  /** Oldest first. */
  readonly operations: OperationRecord[];
}

export interface KafkaConnectModelOptions {
  readonly region: string;
  readonly account: string;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly ids: IdGenerator;
  /** Default page size of the List* operations when the caller gives no maxResults. */
  readonly listPageSize: number;
}

interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

function badRequest(message: string): never {
  throw new ServiceError(400, 'BadRequestException', message);
}

/**
 * The ARN shapes MSK Connect accepts in its paths (arn:<partition>:kafkaconnect:<region>:<account>:<resource>).
 * A malformed ARN is a 400 BadRequestException, not a 404: the service validates the ARN before looking it up.
 */
const ARN_PREFIX = 'arn:aws(-[a-z]+)*:kafkaconnect:[a-z]{2,}(-[a-z]+)+-\\d+:\\d{12}:';
const ARN_PATTERNS = {
  'connector': new RegExp(`^${ARN_PREFIX}connector/[^/\\s]+/[^/\\s]+$`),
  'connector-operation': new RegExp(`^${ARN_PREFIX}connector-operation/[^/\\s]+/[^/\\s]+/[^/\\s]+$`),
  'worker-configuration': new RegExp(`^${ARN_PREFIX}worker-configuration/[^/\\s]+/[^/\\s]+$`),
} as const;

/** Throws BadRequestException unless `arn` is a well-formed MSK Connect ARN of that resource type. */
function requireArn(arn: string, resource: keyof typeof ARN_PATTERNS): void {
  if (!ARN_PATTERNS[resource].test(arn)) {
    badRequest(`${arn} is not a valid ${resource} ARN.`);
  }
}

function workerKey(arn: string, revision: number): string {
  return `${arn}#${revision}`;
}

function opState(op: OperationRecord, now: number): OperationState {
  if (now < op.pendingUntil) {
    return 'PENDING';
  }
  if (now < op.endAt) {
    return 'RESTART_IN_PROGRESS';
  }
  return op.failed ? 'RESTART_FAILED' : 'RESTART_COMPLETE';
}

/** Programmatic calls report API-level failures as plain Errors. */
function plain(e: unknown): Error {
  return e instanceof ServiceError ? new Error(`kafkaconnect ${e.code}: ${e.message}`) : (e as Error);
}

/**
 * MSK Connect state: connectors, their operations, worker configurations and the offsets topics.
 * Public methods without `api` prefix are the programmatic (test/simulation) API; they throw plain Errors.
 * Every entry point first settles lifecycles up to `clock.now()`.
 */
export class KafkaConnectModel {
  private readonly live = new Map<string, ConnectorRecord>();
  private readonly workerConfigs = new Map<string, string>();
  private readonly offsets = new Map<string, number>();
  /** Offsets topic of the most recent connector per name, so offsets stay observable after a delete. */
  private readonly lastTopicByName = new Map<string, string>();
  private createSeq = 0;

  constructor(private readonly options: KafkaConnectModelOptions) {}

  // ---------------------------------------------------------------- programmatic API

  /** Makes a worker configuration revision known; `propertiesText` is the plain properties file (not base64). */
  public registerWorkerConfiguration(arn: string, revision: number, propertiesText: string): void {
    this.workerConfigs.set(workerKey(arn, revision), propertiesText);
  }

  /**
   * Creates a connector without going through HTTP (e.g. the pre-existing connector of a scenario).
   * `running: true` skips CREATING. Returns the ARN. Throws on an invalid request or a duplicate name.
   */
  public addConnector(request: object, options: { running?: boolean } = {}): string {
    if (!isRecord(request)) {
      throw new Error('kafkaconnect.addConnector: request must be a CreateConnector input object');
    }
    try {
      return this.create(request, options.running ?? false).connectorArn;
    } catch (e) {
      throw plain(e);
    }
  }

  /**
   * UpdateConnector (which the emulator's API does not take): replaces the given fields of what the
   * connector runs with (e.g. `connectorConfiguration`, `capacity`), and gives it a new current version.
   */
  public updateConnector(name: string, changes: Partial<Pick<ConnectorSpec, 'capacity' | 'connectorConfiguration' | 'plugins' | 'workerConfiguration'>>): void {
    const c = this.require(name);
    c.spec = { ...c.spec, ...structuredClone(changes) };
    c.currentVersion = this.options.ids.token('version', 14);
  }

  /** Adds tags to the connector, `aws:` system tags included (as CloudFormation adds `aws:cloudformation:stack-name`). */
  public tagConnector(name: string, tags: Record<string, string>): void {
    const c = this.require(name);
    c.tags = { ...c.tags, ...tags };
  }

  /** The live connector (any state until deletion completes) with this name. */
  public connector(name: string): ConnectorInfo | undefined {
    this.settle();
    const c = this.findByName(name);
    return c && this.info(c);
  }

  public connectors(): ConnectorInfo[] {
    this.settle();
    return [...this.live.values()].map(c => this.info(c));
  }

  public health(name: string): ConnectorHealth {
    return this.require(name).health;
  }

  public setHealth(name: string, health: ConnectorHealth): void {
    this.require(name).health = health;
  }

  /** True when the connector would really be moving data: RUNNING and healthy. */
  public isProcessing(name: string): boolean {
    const c = this.settleAndFind(name);
    return c !== undefined && c.state === 'RUNNING' && c.health === 'healthy';
  }

  /** Puts the connector in FAILED now (any in-flight restart operation fails). */
  public failConnector(name: string, message: string = 'Connector failed (injected by emulator).'): void {
    this.forceState(name, 'FAILED');
    this.require(name).stateDescription = { code: 'EMULATOR_INJECTED_FAILURE', message };
  }

  /**
   * Forces any state. With `forMs`, the connector returns to RUNNING after that long
   * (or disappears, for DELETING); without it, it stays until something else changes it.
   */
  public forceState(name: string, state: ConnectorState, forMs?: number): void {
    const c = this.require(name);
    const now = this.options.clock.now();
    this.abortActiveOp(c, now, `Operation interrupted: connector forced to ${state}.`);
    c.state = state;
    c.stateDescription = undefined;
    c.transition = forMs === undefined ? undefined : { until: now + forMs, then: state === 'DELETING' ? 'GONE' : 'RUNNING' };
  }

  /** Adds `count` to the committed offset of the connector's offsets topic; returns the new total. */
  public commitOffsets(name: string, count: number): number {
    const topic = this.offsetTopic(name);
    const total = (this.offsets.get(topic) ?? 0) + count;
    this.offsets.set(topic, total);
    return total;
  }

  /** Committed offset of the topic used by the current (or, if deleted, the most recent) connector with this name. */
  public committedOffset(name: string): number {
    return this.offsets.get(this.offsetTopic(name)) ?? 0;
  }

  /** Offsets topic of the current (or most recent) connector with this name. */
  public offsetTopic(name: string): string {
    this.settle();
    const topic = this.findByName(name)?.topic ?? this.lastTopicByName.get(name);
    if (topic === undefined) {
      throw new Error(`kafkaconnect: no connector named '${name}' has ever existed`);
    }
    return topic;
  }

  public topicOffset(topic: string): number {
    return this.offsets.get(topic) ?? 0;
  }

  /** Operations of the live connector with this name, oldest first. */
  public operations(name: string): OperationInfo[] {
    const c = this.require(name);
    const now = this.options.clock.now();
    return c.operations.map(op => ({
      arn: op.arn,
      connectorArn: op.connectorArn,
      state: opState(op, now),
      createdAt: op.createdAt,
      endedAt: now >= op.endAt ? op.endAt : undefined,
    }));
  }

  // ---------------------------------------------------------------- API operations (throw ServiceError)

  public apiList(prefix: string | undefined, maxResults: number | undefined, nextToken: string | undefined): Page<Record<string, unknown>> {
    this.settle();
    const key = (c: ConnectorRecord): string => `${c.name}\u0000${String(c.seq).padStart(10, '0')}`;
    const sorted = [...this.live.values()]
      .filter(c => prefix === undefined || c.name.startsWith(prefix))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const page = this.paginate(sorted, key, maxResults, nextToken);
    return { items: page.items.map(c => this.summary(c)), nextToken: page.nextToken };
  }

  public apiDescribe(arn: string): Record<string, unknown> {
    this.settle();
    const c = this.get(arn);
    return {
      ...this.summary(c),
      connectorConfiguration: c.spec.connectorConfiguration,
      stateDescription: c.stateDescription,
    };
  }

  public apiListTags(arn: string): { tags: Record<string, string> } {
    this.settle();
    return { tags: { ...this.get(arn).tags } };
  }

  public apiCreate(body: Record<string, unknown>): { connectorArn: string; connectorName: string; connectorState: ConnectorState } {
    return this.create(body, false);
  }

  public apiDelete(arn: string, currentVersion: string | undefined): { connectorArn: string; connectorState: ConnectorState } {
    this.settle();
    const c = this.get(arn);
    if (currentVersion !== undefined && currentVersion !== c.currentVersion) {
      badRequest(`currentVersion ${currentVersion} does not match the connector's current version.`);
    }
    if (c.state === 'DELETING') {
      badRequest(`Connector ${c.name} is already being deleted.`);
    }
    const now = this.options.clock.now();
    this.abortActiveOp(c, now, 'Operation interrupted: connector deleted.');
    c.state = 'DELETING';
    c.transition = { until: now + this.options.faults.durations.deleteMs, then: 'GONE' };
    return { connectorArn: arn, connectorState: 'DELETING' };
  }

  public apiRestart(arn: string, onlyFailedTasks = false): { connectorArn: string; connectorOperationArn: string } {
    this.settle();
    const c = this.get(arn);
    if (c.state !== 'RUNNING') {
      badRequest(`Connector ${c.name} can only be restarted in RUNNING state; current state is ${c.state}.`);
    }
    // Restarting only the failed tasks needs Kafka Connect 3.7 or later.
    if (onlyFailedTasks && !/^(3\.([7-9]|\d{2,})|[4-9])\./.test(c.spec.kafkaConnectVersion)) {
      badRequest(`onlyFailedTasks requires Kafka Connect 3.7 or later; connector ${c.name} runs ${c.spec.kafkaConnectVersion}.`);
    }
    const { region, account, clock, faults, ids } = this.options;
    const now = clock.now();
    const { restartMs, restartPendingMs } = faults.durations;
    const connectorId = arn.slice(arn.lastIndexOf('/') + 1);
    const failed = faults.consumeRestartFailure(c.name);
    const op: OperationRecord = {
      arn: `arn:aws:kafkaconnect:${region}:${account}:connector-operation/${c.name}/${connectorId}/${ids.uuid('operation')}`,
      connectorArn: arn,
      createdAt: now,
      pendingUntil: now + Math.min(restartPendingMs, restartMs),
      endAt: now + restartMs,
      failed,
      errorMessage: failed ? 'Restart failed (injected by emulator).' : undefined,
      keepsHealth: faults.isRestartUseless(c.name),
    };
    c.operations.push(op);
    c.activeOp = op;
    c.state = 'RESTARTING';
    c.transition = { until: op.endAt, then: 'RUNNING' };
    return { connectorArn: arn, connectorOperationArn: op.arn };
  }

  /**
   * DescribeWorkerConfiguration: the latest registered revision, its properties base64-encoded as
   * the real API returns them (it has no call for older revisions).
   */
  public apiDescribeWorkerConfiguration(workerConfigurationArn: string): Record<string, unknown> {
    requireArn(workerConfigurationArn, 'worker-configuration');
    const revisions = [...this.workerConfigs.keys()]
      .filter((k) => k.startsWith(`${workerConfigurationArn}#`))
      .map((k) => Number(k.slice(workerConfigurationArn.length + 1)));
    if (revisions.length === 0) {
      throw new ServiceError(404, 'NotFoundException', `Worker configuration ${workerConfigurationArn} does not exist.`);
    }
    const latest = Math.max(...revisions);
    const text = this.workerConfigs.get(workerKey(workerConfigurationArn, latest))!;
    return {
      workerConfigurationArn,
      name: workerConfigurationArn.split('/')[1] ?? workerConfigurationArn,
      workerConfigurationState: 'ACTIVE',
      latestRevision: { revision: latest, propertiesFileContent: Buffer.from(text, 'utf8').toString('base64') },
    };
  }

  public apiDescribeOperation(operationArn: string): Record<string, unknown> {
    requireArn(operationArn, 'connector-operation');
    this.settle();
    for (const c of this.live.values()) {
      const op = c.operations.find(o => o.arn === operationArn);
      if (op) {
        const now = this.options.clock.now();
        const state = opState(op, now);
        return {
          connectorArn: c.arn,
          connectorOperationArn: op.arn,
          connectorOperationState: state,
          connectorOperationType: 'RESTART_CONNECTOR',
          creationTime: isoTime(op.createdAt),
          endTime: now >= op.endAt ? isoTime(op.endAt) : undefined,
          errorInfo: state === 'RESTART_FAILED' ? { code: 'RESTART_FAILED', message: op.errorMessage } : undefined,
        };
      }
    }
    throw new ServiceError(404, 'NotFoundException', `Connector operation ${operationArn} does not exist.`);
  }

  public apiListOperations(arn: string, maxResults: number | undefined, nextToken: string | undefined): Page<Record<string, unknown>> {
    this.settle();
    const c = this.get(arn);
    const now = this.options.clock.now();
    // Newest first: the key counts down as operations get newer.
    const newestFirst = c.operations.map((op, index) => ({ op, key: String(1e9 - index).padStart(10, '0') })).reverse();
    const page = this.paginate(newestFirst, e => e.key, maxResults, nextToken);
    return {
      items: page.items.map(({ op }) => ({
        connectorOperationArn: op.arn,
        connectorOperationType: 'RESTART_CONNECTOR',
        connectorOperationState: opState(op, now),
        creationTime: isoTime(op.createdAt),
        endTime: now >= op.endAt ? isoTime(op.endAt) : undefined,
      })),
      nextToken: page.nextToken,
    };
  }

  // ---------------------------------------------------------------- internals

  private create(body: Record<string, unknown>, running: boolean): { connectorArn: string; connectorName: string; connectorState: ConnectorState } {
    this.settle();
    const spec = validateCreateConnector(body);
    const name = spec.connectorName;
    if (this.findByName(name)) {
      throw new ServiceError(409, 'ConflictException', `Connector with name ${name} already exists.`);
    }
    let topic: string | undefined;
    if (spec.workerConfiguration) {
      const { workerConfigurationArn, revision } = spec.workerConfiguration;
      const text = this.workerConfigs.get(workerKey(workerConfigurationArn, revision));
      if (text === undefined) {
        throw new ServiceError(404, 'NotFoundException',
          `Worker configuration ${workerConfigurationArn} revision ${revision} does not exist.`);
      }
      topic = parseProperties(text).get('offset.storage.topic') || undefined;
    }
    const { region, account, clock, faults, ids } = this.options;
    const now = clock.now();
    const seq = ++this.createSeq;
    const id = `${ids.uuid('connector')}-${seq}`;
    const arn = `arn:aws:kafkaconnect:${region}:${account}:connector/${name}/${id}`;
    // MSK's default offsets topic embeds the connector id, so a recreated connector starts from scratch
    // unless the worker configuration pins offset.storage.topic.
    topic ??= `__amazon_msk_connect_offsets_${name}_${id}`;
    // A connector seeded as already RUNNING does not consume an armed failNextCreate.
    const fails = !running && faults.consumeCreateFailure(name);
    const record: ConnectorRecord = {
      arn,
      name,
      seq,
      topic,
      spec,
      tags: { ...spec.tags },
      createdAt: now,
      currentVersion: ids.token('version', 14),
      state: running ? 'RUNNING' : 'CREATING',
      transition: running ? undefined : { until: now + faults.durations.createMs, then: fails ? 'FAILED' : 'RUNNING' },
      health: 'healthy',
      operations: [],
    };
    this.live.set(arn, record);
    this.lastTopicByName.set(name, topic);
    if (!this.offsets.has(topic)) {
      this.offsets.set(topic, 0);
    }
    return { connectorArn: arn, connectorName: name, connectorState: record.state };
  }

  /** Applies every transition whose end time has passed. One step per connector suffices: a finished transition never starts another. */
  private settle(): void {
    const now = this.options.clock.now();
    for (const c of [...this.live.values()]) {
      const t = c.transition;
      if (!t || now < t.until) {
        continue;
      }
      c.transition = undefined;
      if (t.then === 'GONE') {
        this.live.delete(c.arn);
        continue;
      }
      const op = c.activeOp;
      if (op && c.state === 'RESTARTING') {
        c.activeOp = undefined;
        if (!op.failed && !op.keepsHealth) {
          c.health = 'healthy';
        }
      }
      if (c.state === 'CREATING' && t.then === 'FAILED') {
        c.stateDescription = { code: 'EMULATOR_INJECTED_FAILURE', message: 'Connector creation failed (injected by emulator).' };
      }
      c.state = t.then;
    }
  }

  private abortActiveOp(c: ConnectorRecord, now: number, message: string): void {
    const op = c.activeOp;
    if (op && now < op.endAt) {
      op.endAt = now;
      op.failed = true;
      op.errorMessage = message;
    }
    c.activeOp = undefined;
  }

  private findByName(name: string): ConnectorRecord | undefined {
    for (const c of this.live.values()) {
      if (c.name === name) {
        return c;
      }
    }
    return undefined;
  }

  private settleAndFind(name: string): ConnectorRecord | undefined {
    this.settle();
    return this.findByName(name);
  }

  private require(name: string): ConnectorRecord {
    const c = this.settleAndFind(name);
    if (!c) {
      throw new Error(`kafkaconnect: no live connector named '${name}'`);
    }
    return c;
  }

  /** The live connector with this ARN: BadRequestException for a malformed ARN, NotFoundException for an unknown one. */
  private get(arn: string): ConnectorRecord {
    requireArn(arn, 'connector');
    const c = this.live.get(arn);
    if (!c) {
      throw new ServiceError(404, 'NotFoundException', `Connector ${arn} does not exist.`);
    }
    return c;
  }

  private info(c: ConnectorRecord): ConnectorInfo {
    return {
      arn: c.arn,
      name: c.name,
      state: c.state,
      health: c.health,
      currentVersion: c.currentVersion,
      offsetTopic: c.topic,
      createdAt: c.createdAt,
    };
  }

  private summary(c: ConnectorRecord): Record<string, unknown> {
    const s = c.spec;
    return {
      capacity: s.capacity,
      connectorArn: c.arn,
      connectorDescription: s.connectorDescription,
      connectorName: c.name,
      connectorState: c.state,
      creationTime: isoTime(c.createdAt),
      currentVersion: c.currentVersion,
      kafkaCluster: s.kafkaCluster,
      kafkaClusterClientAuthentication: s.kafkaClusterClientAuthentication,
      kafkaClusterEncryptionInTransit: s.kafkaClusterEncryptionInTransit,
      kafkaConnectVersion: s.kafkaConnectVersion,
      logDelivery: s.logDelivery,
      networkType: s.networkType ?? 'IPV4',
      plugins: s.plugins,
      serviceExecutionRoleArn: s.serviceExecutionRoleArn,
      workerConfiguration: s.workerConfiguration,
    };
  }

  /**
   * Cursor pagination over items sorted ascending by `key`: the token encodes the key of the last item returned,
   * so items deleted between pages do not shift later pages.
   */
  private paginate<T>(sorted: T[], key: (item: T) => string, maxResults: number | undefined, nextToken: string | undefined): Page<T> {
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)) {
      badRequest('maxResults must be an integer between 1 and 100.');
    }
    const size = maxResults ?? this.options.listPageSize;
    let rest = sorted;
    if (nextToken !== undefined) {
      const decoded = Buffer.from(nextToken, 'base64url');
      if (nextToken.length === 0 || decoded.toString('base64url') !== nextToken || !decoded.toString('utf8').startsWith('after:')) {
        badRequest('The nextToken is invalid.');
      }
      const after = decoded.toString('utf8').slice('after:'.length);
      rest = sorted.filter(item => key(item) > after);
    }
    const items = rest.slice(0, size);
    const last = items[items.length - 1];
    const more = rest.length > size && last !== undefined;
    return { items, nextToken: more ? Buffer.from(`after:${key(last)}`).toString('base64url') : undefined };
  }
}
