/**
 * The recovery function's thin adapter over the AWS SDK v3 clients: one method per AWS call, no
 * policy. The clients come from the bundle (not the Lambda runtime's SDK, which may predate
 * RestartConnector) and use the SDK's standard retry strategy for throttling and 5xx.
 * Endpoints follow the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` settings, which is how the
 * end-to-end tests point them at the loopback emulator.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, ListTargetsByRuleCommand, ResourceNotFoundException, type Target,
} from '@aws-sdk/client-eventbridge';
import {
  ConflictException, CreateConnectorCommand, DeleteConnectorCommand, DescribeConnectorCommand, DescribeConnectorOperationCommand,
  DescribeWorkerConfigurationCommand, KafkaConnectClient, ListConnectorsCommand, ListTagsForResourceCommand, NotFoundException,
  RestartConnectorCommand,
  type CreateConnectorCommandInput,
} from '@aws-sdk/client-kafkaconnect';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { MEMBER_SIGNAL, MEMBER_TRIGGER_SIGNALS, guardSignalAlarmName, OFFSET_COMMIT_NAMESPACE } from './constants';
import { INITIAL_RECORD, type ConnectorView, type RecoveryRecord, type RuleTarget } from './model';
import {
  LeaseLostError, type AlarmReader, type ConfigSource, type ConnectorApi, type Leased, type Notifier, type OffsetCommitCounter, type RuleReader,
  type StateStore,
} from './ports';
import { configurationValues, scrubbedError } from './safe-error';

/** Retry throttling and 5xx with the SDK's standard exponential backoff, a little longer than its default 3 attempts. */
const MAX_ATTEMPTS = 6;

export interface AwsClients {
  readonly kafkaConnect: KafkaConnectClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
  readonly eventBridge: EventBridgeClient;
}

/** What a test may change about the clients; the Lambda uses the defaults. */
export interface ClientOverrides {
  /**
   * Base of the exponential retry backoff in ms, instead of the SDK's standard one (up to 20 s).
   * The end-to-end tests use 1 ms so that a throttling storm takes milliseconds.
   */
  readonly retryBaseDelayMs?: number;
}

/** Creates the clients once per execution environment (module scope in the handler). */
export function createClients(env: Record<string, string | undefined> = process.env, overrides: ClientOverrides = {}): AwsClients {
  const customEndpoint = env.AWS_ENDPOINT_URL_S3 !== undefined || env.AWS_ENDPOINT_URL !== undefined;
  const base = overrides.retryBaseDelayMs;
  const options = base === undefined
    ? { maxAttempts: MAX_ATTEMPTS }
    : { retryStrategy: new ConfiguredRetryStrategy(MAX_ATTEMPTS, (attempt: number) => base * 2 ** attempt) };
  return {
    kafkaConnect: new KafkaConnectClient(options),
    // Virtual-hosted bucket addressing needs DNS for <bucket>.<endpoint>; a custom endpoint (the emulator) has none.
    s3: new S3Client({ ...options, forcePathStyle: customEndpoint }),
    sns: new SNSClient(options),
    cloudWatch: new CloudWatchClient(options),
    dynamoDb: new DynamoDBClient(options),
    eventBridge: new EventBridgeClient(options),
  };
}

export class MskConnectApi implements ConnectorApi {
  constructor(private readonly client: KafkaConnectClient) {}

  public async findByName(name: string): Promise<ConnectorView | undefined> {
    const matches: ConnectorView[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListConnectorsCommand({ connectorNamePrefix: name, nextToken }));
      for (const c of page.connectors ?? []) {
        // connectorNamePrefix is a prefix match: "orders" also lists "orders-v2".
        if (c.connectorName === name && c.connectorArn) {
          matches.push({
            arn: c.connectorArn,
            state: c.connectorState ?? 'UNKNOWN',
            currentVersion: c.currentVersion,
            kafkaConnectVersion: c.kafkaConnectVersion,
            workerConfigurationArn: c.workerConfiguration?.workerConfigurationArn,
            workerConfigurationRevision: c.workerConfiguration?.revision,
            bootstrapServers: c.kafkaCluster?.apacheKafkaCluster?.bootstrapServers,
          });
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
    // Names are unique per account and Region; prefer a live connector over one being deleted.
    return matches.find((c) => c.state !== 'DELETING') ?? matches[0];
  }

  public async operationState(operationArn: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new DescribeConnectorOperationCommand({ connectorOperationArn: operationArn }));
      return out.connectorOperationState;
    } catch (err) {
      if (err instanceof NotFoundException) {
        return undefined;
      }
      throw err;
    }
  }

  public async restart(connectorArn: string, onlyFailedTasks?: boolean): Promise<string | undefined> {
    const out = await this.client.send(new RestartConnectorCommand(onlyFailedTasks ? { connectorArn, onlyFailedTasks } : { connectorArn }));
    return out.connectorOperationArn;
  }

  public async delete(connectorArn: string, currentVersion?: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectorCommand({ connectorArn, currentVersion }));
    } catch (err) {
      if (!(err instanceof NotFoundException)) {
        throw err;
      }
      // Already gone: what the delete wanted.
    }
  }

  public async create(request: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(new CreateConnectorCommand(request as unknown as CreateConnectorCommandInput));
    } catch (err) {
      if (!(err instanceof ConflictException)) {
        // The one call whose body carries the connector's configuration: its error may echo a value
        // (a BadRequestException quoting `database.password=...`). It never leaves this method with one.
        throw scrubbedError(err, configurationValues(request));
      }
      // A connector with this name exists already (an earlier run's create): the next run follows it.
    }
  }

  public async describe(connectorArn: string): Promise<Record<string, unknown> | undefined> {
    const out = await undefinedIfGoneOrDenied(this.client.send(new DescribeConnectorCommand({ connectorArn })));
    if (out === undefined) {
      return undefined;
    }
    const { $metadata: _, ...description } = out;
    return description;
  }

  public async tags(connectorArn: string): Promise<Record<string, string> | undefined> {
    const out = await undefinedIfGoneOrDenied(this.client.send(new ListTagsForResourceCommand({ resourceArn: connectorArn })));
    return out === undefined ? undefined : { ...out.tags };
  }

  public async workerProperties(workerConfigurationArn: string, revision: number): Promise<string | undefined> {
    let out;
    try {
      out = await this.client.send(new DescribeWorkerConfigurationCommand({ workerConfigurationArn }));
    } catch (err) {
      if (err instanceof NotFoundException) {
        // The stored request names a worker configuration that does not exist: not proven to keep
        // offsets, so the decision refuses the delete and says why (instead of every run throwing).
        return undefined;
      }
      throw err;
    }
    const latest = out.latestRevision;
    // Only the latest revision's properties can be read; an older revision cannot be proven safe.
    if (!latest || latest.revision !== revision || !latest.propertiesFileContent) {
      return undefined;
    }
    return Buffer.from(latest.propertiesFileContent, 'base64').toString('utf8');
  }
}

/**
 * The call's answer, or undefined when MSK Connect answers NotFound (the connector was deleted
 * meanwhile) or AccessDenied (a role without the permission): either way the running connector cannot
 * be compared, and the decision refuses the delete with a notice that names the permissions.
 */
async function undefinedIfGoneOrDenied<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof NotFoundException || (err instanceof Error && err.name === 'AccessDeniedException')) {
      return undefined;
    }
    throw err;
  }
}

export class S3ConfigSource implements ConfigSource {
  /**
   * @param expectedBucketOwner the account that must own the bucket: S3 refuses the read (403
   * AccessDenied) when another account owns a bucket of that name, so a deleted and re-registered
   * bucket name cannot feed the guard a request
   */
  constructor(
    private readonly client: S3Client, private readonly bucket: string, private readonly key: string,
    private readonly expectedBucketOwner?: string,
  ) {}

  public async read(): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        ...(this.expectedBucketOwner ? { ExpectedBucketOwner: this.expectedBucketOwner } : {}),
      }));
      return await out.Body?.transformToString('utf8');
    } catch (err) {
      // Without s3:ListBucket, S3 answers a missing key with 403 AccessDenied, not 404 NoSuchKey, and
      // a bucket another account owns (ExpectedBucketOwner) with 403 AccessDenied too.
      // Either way the request cannot be used, and the notice says both.
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.name === 'AccessDenied')) {
        return undefined;
      }
      throw err;
    }
  }
}

export class CompositeAlarmReader implements AlarmReader {
  constructor(private readonly client: CloudWatchClient, private readonly alarmName: string) {}

  public async read(): Promise<{ state: string; actionsEnabled: boolean; triggeredBy?: string[]; missing?: boolean }> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [this.alarmName], AlarmTypes: ['CompositeAlarm'] }));
    const alarm = out.CompositeAlarms?.[0];
    // No alarm means no trustworthy signal: report it as maintenance so that nothing is started.
    if (!alarm) {
      return { state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true };
    }
    const triggeredBy = triggeringAlarms(alarm.StateReasonData);
    return { state: alarm.StateValue ?? 'INSUFFICIENT_DATA', actionsEnabled: alarm.ActionsEnabled ?? false, ...(triggeredBy ? { triggeredBy } : {}) };
  }
}

/** The offset commits the guard's metric filter counted: the per-minute sums of its metric, added up. */
export class MetricOffsetCommitCounter implements OffsetCommitCounter {
  constructor(private readonly client: CloudWatchClient, private readonly connectorName: string) {}

  public async count(startMs: number, endMs: number): Promise<number> {
    const out = await this.client.send(new GetMetricStatisticsCommand({
      Namespace: OFFSET_COMMIT_NAMESPACE,
      MetricName: this.connectorName,
      StartTime: new Date(startMs),
      EndTime: new Date(endMs),
      Period: 60,
      Statistics: ['Sum'],
    }));
    return (out.Datapoints ?? []).reduce((total, d) => total + (d.Sum ?? 0), 0);
  }
}

/**
 * The function's own ARN without a version or alias qualifier: the guard's rules target the function
 * itself, and Lambda's `invokedFunctionArn` carries the qualifier it was invoked with.
 */
export function unqualifiedFunctionArn(invokedFunctionArn: string): string {
  return invokedFunctionArn.split(':').slice(0, 7).join(':');
}

/** The EventBridge rules (default event bus) that target the function, with each target that invokes it. */
export class EventBridgeRuleReader implements RuleReader {
  constructor(private readonly client: EventBridgeClient, private readonly functionArn: string) {}

  public async targets(): Promise<RuleTarget[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListRuleNamesByTargetCommand({ TargetArn: this.functionArn, NextToken: nextToken }));
      names.push(...page.RuleNames ?? []);
      nextToken = page.NextToken;
    } while (nextToken);
    const perRule = await Promise.all(names.map((name) => this.ruleTargets(name)));
    return perRule.flat();
  }

  /** The rule's targets that invoke the function; none when the rule was deleted since it was listed. */
  private async ruleTargets(name: string): Promise<RuleTarget[]> {
    const targets: Target[] = [];
    let rule;
    try {
      rule = await this.client.send(new DescribeRuleCommand({ Name: name }));
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(new ListTargetsByRuleCommand({ Rule: name, NextToken: nextToken }));
        targets.push(...page.Targets ?? []);
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        return [];
      }
      throw err;
    }
    return targets.filter((t) => t.Arn === this.functionArn).map((t): RuleTarget => ({
      rule: name,
      enabled: rule.State !== undefined && rule.State.startsWith('ENABLED'),
      ...(rule.ScheduleExpression ? { scheduleExpression: rule.ScheduleExpression } : {}),
      ...(rule.EventPattern ? { eventPattern: rule.EventPattern } : {}),
      ...(t.Input !== undefined ? { input: t.Input } : {}),
      transformsInput: t.InputPath !== undefined || t.InputTransformer !== undefined,
    }));
  }
}

/**
 * A fleet member's alarms read as its composite alarm would be (a member has none): ALARM when any
 * trigger alarm is, OK otherwise; paused when its stall alarm's actions are disabled; missing without a
 * stall alarm.
 */
export class MemberAlarmReader implements AlarmReader {
  constructor(private readonly client: CloudWatchClient, private readonly connectorName: string) {}

  public async read(): Promise<{ state: string; actionsEnabled: boolean; triggeredBy?: string[]; missing?: boolean }> {
    const names = MEMBER_TRIGGER_SIGNALS.map((signal) => guardSignalAlarmName(this.connectorName, signal));
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm'] }));
    const alarms = out.MetricAlarms ?? [];
    const stall = alarms.find((a) => a.AlarmName === guardSignalAlarmName(this.connectorName, MEMBER_SIGNAL.STALL));
    if (!stall) {
      return { state: 'INSUFFICIENT_DATA', actionsEnabled: false, missing: true };
    }
    const triggeredBy = alarms.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName ?? '');
    return triggeredBy.length > 0
      ? { state: 'ALARM', actionsEnabled: stall.ActionsEnabled ?? false, triggeredBy }
      : { state: 'OK', actionsEnabled: stall.ActionsEnabled ?? false };
  }
}

/**
 * The names of the child alarms a composite's `StateReasonData` names as triggering its state
 * (`{"triggeringAlarms":[{"arn":"arn:...:alarm:<name>",...}]}`); undefined when it names none.
 */
export function triggeringAlarms(reasonData: string | undefined): string[] | undefined {
  try {
    const parsed = JSON.parse(reasonData ?? '') as { triggeringAlarms?: Array<{ arn?: unknown }> };
    const names = (parsed.triggeringAlarms ?? [])
      .map((a) => (typeof a.arn === 'string' && a.arn.includes(':alarm:') ? a.arn.slice(a.arn.indexOf(':alarm:') + ':alarm:'.length) : ''))
      .filter((name) => name.length > 0);
    return names.length > 0 ? names : undefined;
  } catch {
    return undefined;
  }
}

export class SnsNotifier implements Notifier {
  constructor(private readonly client: SNSClient, private readonly topicArn: string) {}

  public async publish(subject: string, message: string): Promise<void> {
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: message }));
  }
}

/**
 * The recovery record in DynamoDB, one item per connector, with optimistic versioning. The lease
 * (owner + expiry) makes runs for one connector take turns; the version check makes a run whose
 * lease expired unable to overwrite its successor's work.
 */
export class DynamoStateStore implements StateStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string, private readonly connectorName: string) {}

  public async acquire(owner: string, now: number, leaseMs: number): Promise<Leased | undefined> {
    const item = await this.item();
    const version = item?.version?.N !== undefined ? Number(item.version.N) : 0;
    const record: RecoveryRecord = item?.record?.S !== undefined ? JSON.parse(item.record.S) : INITIAL_RECORD;
    const leaseUntil = item?.leaseUntil?.N !== undefined ? Number(item.leaseUntil.N) : 0;
    if (leaseUntil > now && item?.leaseOwner?.S !== owner) {
      return undefined;
    }
    try {
      return await this.put(record, version, owner, now + leaseMs);
    } catch (err) {
      if (err instanceof LeaseLostError) {
        return undefined;
      }
      throw err;
    }
  }

  public async save(record: RecoveryRecord, version: number, owner: string, now: number, leaseMs: number, release: boolean): Promise<Leased> {
    return this.put(record, version, owner, release ? 0 : now + leaseMs);
  }

  public async peek(): Promise<RecoveryRecord> {
    const item = await this.item();
    return item?.record?.S !== undefined ? JSON.parse(item.record.S) : INITIAL_RECORD;
  }

  private async item() {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: this.connectorName } }, ConsistentRead: true }));
    return out.Item;
  }

  private async put(record: RecoveryRecord, version: number, owner: string, leaseUntil: number): Promise<Leased> {
    const item = {
      pk: { S: this.connectorName },
      version: { N: String(version + 1) },
      record: { S: JSON.stringify(record) },
      leaseOwner: { S: owner },
      leaseUntil: { N: String(leaseUntil) },
    };
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: version === 0 ? 'attribute_not_exists(#pk)' : '#v = :v',
        ExpressionAttributeNames: version === 0 ? { '#pk': 'pk' } : { '#v': 'version' },
        ExpressionAttributeValues: version === 0 ? undefined : { ':v': { N: String(version) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        // When a write's answer is lost, the SDK retries it, and the retry fails the version check
        // against that very write. The item DynamoDB returns tells it apart from another run's write
        // (owners are unique per invocation): then this write took, and the run goes on (to its notice).
        const current = err.Item;
        const fields = Object.keys(item) as (keyof typeof item)[];
        if (current !== undefined && fields.every((k) => JSON.stringify(current[k]) === JSON.stringify(item[k]))) {
          return { record, version: version + 1 };
        }
        throw new LeaseLostError();
      }
      throw err;
    }
    return { record, version: version + 1 };
  }
}
