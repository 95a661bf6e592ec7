import * as path from 'path';
import { ENV, MANUAL_ACTION, TRIGGER_INPUT, type StrategyName } from '../../src/recovery/constants';
import { AwsEmulator, type Clock, type Durations, type PublishedMessage } from '../emulator';

/** The recovery function exactly as this package ships it (built by `npx projen bundle`). */
export const RECOVERY_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'recovery', 'recovery.lambda', 'index.js');

export type { StrategyName };

/** The strategy and pacing of a guard's (or a fleet's) function, as its environment gives them. */
export interface PacingOptions {
  readonly strategy?: StrategyName;
  readonly allowOffsetReset?: boolean;
  readonly cooldownMs?: number;
  readonly budget?: number;
  readonly budgetWindowMs?: number;
  readonly verifyMs?: number;
  readonly operationTimeoutMs?: number;
}

/** How the bundled handler runs in a world. */
export interface HandlerOptions {
  readonly clock: Clock;
  /** Base of the SDK retry backoff in ms (tests and the simulation use 1). */
  readonly retryBaseDelayMs?: number;
  /** The handler's Powertools log level (`POWERTOOLS_LOG_LEVEL`); tests that read its log lines use INFO. Default SILENT. */
  readonly logLevel?: 'SILENT' | 'INFO' | 'DEBUG';
}

export interface WorldOptions extends PacingOptions, HandlerOptions {
  readonly connectorName?: string;
  /** Whether the connector's worker configuration sets offset.storage.topic. Default true. */
  readonly offsetStorage?: boolean;
  /** A guard built from a CfnConnector (`GUARD_CLOUDFORMATION_MANAGED`). Default false. */
  readonly cloudFormationManaged?: boolean;
  /** MSK Connect API durations in the emulator. */
  readonly durations?: Partial<Durations>;
  readonly seed?: string;
}

type HandlerResult = { outcome: string; phase?: string; action?: string; reason: string; connectorArn?: string };
/** The bundled handler's signature; `R` is what it returns (a guard's run summary, a fleet's). */
export type BundledHandler<R> = (event: unknown, context?: { awsRequestId: string; invokedFunctionArn?: string }) => Promise<R>;

export const REGION = 'ap-northeast-2';
export const ACCOUNT = '123456789012';

/** A running connector a world seeds: its worker configuration and its CreateConnector request, stored in S3. */
export interface ConnectorSeed {
  readonly connectorName: string;
  readonly roleArn: string;
  readonly workerConfigurationArn: string;
  /** Whether the worker configuration sets offset.storage.topic. */
  readonly offsetStorage: boolean;
  readonly bucket: string;
  readonly configKey: string;
}

/** The CreateConnector request of a seeded connector, as a team would store it in S3. */
export function connectorRequest(seed: Pick<ConnectorSeed, 'connectorName' | 'roleArn' | 'workerConfigurationArn'>): Record<string, unknown> {
  return {
    connectorName: seed.connectorName,
    capacity: { provisionedCapacity: { mcuCount: 1, workerCount: 1 } },
    connectorConfiguration: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'tasks.max': '1',
      'topic.prefix': seed.connectorName,
      'database.hostname': 'orders-db.internal',
      'database.password': 'hunter2-secret',
      'heartbeat.interval.ms': '60000',
    },
    kafkaCluster: {
      apacheKafkaCluster: { bootstrapServers: 'b-1.msk.internal:9098', vpc: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] } },
    },
    kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
    kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
    kafkaConnectVersion: '3.7.x',
    plugins: [{ customPlugin: { customPluginArn: `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:custom-plugin/debezium-mysql/9a1b-1`, revision: 1 } }],
    serviceExecutionRoleArn: seed.roleArn,
    workerConfiguration: { workerConfigurationArn: seed.workerConfigurationArn, revision: 1 },
    logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: `/msk-connect/${seed.connectorName}` } } },
  };
}

/** Seeds a RUNNING connector with its worker configuration (revision 1) and its stored request. */
export function seedConnector(emulator: AwsEmulator, seed: ConnectorSeed): void {
  const converter = 'key.converter=org.apache.kafka.connect.json.JsonConverter\n';
  emulator.kafkaconnect.registerWorkerConfiguration(seed.workerConfigurationArn, 1,
    seed.offsetStorage ? `offset.storage.topic=__offsets_${seed.connectorName}\n${converter}` : converter);
  const request = connectorRequest(seed);
  emulator.kafkaconnect.addConnector(request, { running: true });
  emulator.s3.createBucket(seed.bucket);
  emulator.s3.putObject(seed.bucket, seed.configKey, JSON.stringify(request), 'application/json');
}

/** The variables of a guard's or a fleet's strategy and pacing, with the worlds' defaults. */
export function pacingEnv(o: PacingOptions): Record<string, string> {
  const seconds = (ms: number | undefined, fallback: number) => String((ms ?? fallback) / 1000);
  return {
    [ENV.STRATEGY]: o.strategy ?? 'RESTART_THEN_RECREATE',
    [ENV.ALLOW_OFFSET_RESET]: String(o.allowOffsetReset ?? false),
    [ENV.COOLDOWN_SECONDS]: seconds(o.cooldownMs, 300_000),
    [ENV.BUDGET]: String(o.budget ?? 3),
    [ENV.BUDGET_WINDOW_SECONDS]: seconds(o.budgetWindowMs, 6 * 3600_000),
    [ENV.VERIFY_SECONDS]: seconds(o.verifyMs, 300_000),
    [ENV.OPERATION_TIMEOUT_SECONDS]: seconds(o.operationTimeoutMs, 1800_000),
  };
}

/**
 * Loads the bundled handler with `handlerEnv`, its SDK clients pointed at the emulator through the
 * process environment, as they would be in Lambda; `restoreEnv` puts the process environment back.
 */
export function loadBundledHandler<R>(
  emulator: AwsEmulator, handlerEnv: Record<string, string>, options: HandlerOptions,
): { handler: BundledHandler<R>; restoreEnv: () => void } {
  const processEnv: Record<string, string> = {
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const saved = Object.fromEntries(Object.keys(processEnv).map((k) => [k, process.env[k]]));
  Object.assign(process.env, processEnv);
  const env = { ...processEnv, ...handlerEnv };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(RECOVERY_BUNDLE) as {
    createHandler(o: object): BundledHandler<R>;
    createClients(env: object, o: object): object;
  };
  const handler = bundle.createHandler({
    clock: options.clock,
    env,
    clients: bundle.createClients(env, { retryBaseDelayMs: options.retryBaseDelayMs ?? 1 }),
  });
  const restoreEnv = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) {
        delete process.env[k];
      } else {
        process.env[k] = v;
      }
    }
  };
  return { handler, restoreEnv };
}

/**
 * One guarded connector in the loopback emulator, recovered by the real bundled handler through
 * the real SDK clients: the shared stage of the end-to-end tests and of `npm run simulate`.
 */
export class GuardWorld {
  /** Starts the emulator, seeds the connector, its stored request, topic, alarm and table, and loads the handler. */
  public static async start(options: WorldOptions): Promise<GuardWorld> {
    const emulator = new AwsEmulator({ region: REGION, account: ACCOUNT, clock: options.clock, seed: options.seed ?? 'world', listPageSize: 2, durations: options.durations });
    await emulator.start();
    return new GuardWorld(emulator, options);
  }

  public readonly connectorName: string;
  public readonly bucket = 'connector-configs';
  public readonly configKey: string;
  public readonly topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:debezium-guard`;
  public readonly alarmName: string;
  public readonly table = 'debezium-guard-state';
  public readonly roleArn = `arn:aws:iam::${ACCOUNT}:role/msk-connect`;
  public readonly workerConfigurationArn = `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:worker-configuration/debezium-workers/5d8a-1`;
  /** The recovery function's ARN: what its rules target, and what Lambda's context tells it. */
  public readonly functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:debezium-guard-recovery`;
  /** The guard's EventBridge rules, named as CloudFormation would name them. */
  public readonly alarmRule = 'GuardStack-AlarmRule-1A2B3C';
  public readonly tickRule = 'GuardStack-ReconcileRule-4D5E6F';
  private readonly handler: BundledHandler<HandlerResult>;
  private readonly restoreEnv: () => void;
  private runs = 0;

  private constructor(public readonly emulator: AwsEmulator, private readonly options: WorldOptions) {
    this.connectorName = options.connectorName ?? 'orders-cdc';
    this.configKey = `debezium/${this.connectorName}.json`;
    this.alarmName = `${this.connectorName}-guard`;
    seedConnector(emulator, {
      connectorName: this.connectorName,
      roleArn: this.roleArn,
      workerConfigurationArn: this.workerConfigurationArn,
      offsetStorage: options.offsetStorage ?? true,
      bucket: this.bucket,
      configKey: this.configKey,
    });
    emulator.sns.createTopic(this.topicArn);
    emulator.cloudwatch.setAlarm(this.alarmName, { state: 'OK', actionsEnabled: true, type: 'composite' });
    emulator.dynamodb.createTable(this.table, 'pk');
    // The rules as the construct deploys them (guard.ts): the alarm's change to ALARM, and the tick.
    emulator.events.putRule(this.alarmRule, {
      eventPattern: JSON.stringify({
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': [this.alarmArn()],
        'detail': { state: { value: ['ALARM'] } },
      }),
      targets: [{ id: 'Target0', arn: this.functionArn }],
    });
    emulator.events.putRule(this.tickRule, {
      scheduleExpression: 'rate(1 minute)',
      targets: [{ id: 'Target0', arn: this.functionArn, input: JSON.stringify({ trigger: TRIGGER_INPUT.TICK }) }],
    });
    ({ handler: this.handler, restoreEnv: this.restoreEnv } = loadBundledHandler<HandlerResult>(emulator, this.handlerEnv(), options));
  }

  /** The CreateConnector request of the guarded connector, as a team would store it in S3. */
  public createRequest(): Record<string, unknown> {
    return connectorRequest(this);
  }

  /** Replaces the stored CreateConnector request (any text: tests store broken ones). */
  public storeRequest(body: string): void {
    this.emulator.s3.putObject(this.bucket, this.configKey, body, 'application/json');
  }

  public deleteStoredRequest(): void {
    this.emulator.s3.deleteObject(this.bucket, this.configKey);
  }

  /** The guard's composite alarm state, as the monitor (or a test) sets it. */
  public setAlarm(state: 'OK' | 'ALARM', actionsEnabled = true): void {
    this.emulator.cloudwatch.setAlarm(this.alarmName, { state, actionsEnabled, type: 'composite' });
  }

  /** The composite alarm's ARN: what the alarm rule matches, and what its state change names. */
  public alarmArn(): string {
    return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${this.alarmName}`;
  }

  /** What EventBridge delivers when the composite alarm goes to ALARM. */
  public alarmEvent(): Record<string, unknown> {
    return {
      'version': '0',
      'source': 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      'resources': [this.alarmArn()],
      'detail': { alarmName: this.alarmName, state: { value: 'ALARM' } },
    };
  }

  public invoke(event: unknown): Promise<HandlerResult> {
    this.runs += 1;
    return this.handler(event, { awsRequestId: `run-${this.runs}`, invokedFunctionArn: this.functionArn });
  }

  public onAlarm(): Promise<HandlerResult> {
    return this.invoke(this.alarmEvent());
  }

  public tick(): Promise<HandlerResult> {
    return this.invoke({ trigger: TRIGGER_INPUT.TICK });
  }

  public scheduledRestart(): Promise<HandlerResult> {
    return this.invoke({ trigger: TRIGGER_INPUT.SCHEDULED_RESTART });
  }

  public manual(action: 'recover' | 'reset' | 'status' | 'drill'): Promise<HandlerResult> {
    return this.invoke({ action: MANUAL_ACTION[action.toUpperCase() as 'RECOVER' | 'RESET' | 'STATUS' | 'DRILL'] });
  }

  /** The live connector with the guarded name, if any. */
  public connector() {
    return this.emulator.kafkaconnect.connector(this.connectorName);
  }

  public notices(): PublishedMessage[] {
    return this.emulator.sns.messages(this.topicArn);
  }

  /** Names of the MSK Connect calls that changed something, in order. */
  public mutations(): string[] {
    return this.emulator.requests.of('kafkaconnect')
      .filter((r) => ['RestartConnector', 'DeleteConnector', 'CreateConnector'].includes(r.operation) && r.status === 200)
      .map((r) => r.operation);
  }

  public async stop(): Promise<void> {
    this.restoreEnv();
    await this.emulator.stop();
  }

  private handlerEnv(): Record<string, string> {
    return {
      [ENV.CONNECTOR_NAME]: this.connectorName,
      [ENV.CONFIG_BUCKET]: this.bucket,
      [ENV.CONFIG_KEY]: this.configKey,
      [ENV.CONFIG_BUCKET_OWNER]: this.emulator.account,
      [ENV.SERVICE_EXECUTION_ROLE_ARN]: this.roleArn,
      [ENV.TOPIC_ARN]: this.topicArn,
      [ENV.STATE_TABLE]: this.table,
      [ENV.ALARM_NAME]: this.alarmName,
      ...pacingEnv(this.options),
      ...(this.options.cloudFormationManaged ? { [ENV.CLOUDFORMATION_MANAGED]: 'true' } : {}),
    };
  }
}
