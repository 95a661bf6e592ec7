import { Clock, systemClock } from './clock';
import { CloudWatchHandler, CloudWatchModel } from './cloudwatch';
import { DynamoDbHandler, DynamoDbModel } from './dynamodb';
import { EventsHandler, EventsModel } from './events';
import { Durations, Faults } from './faults';
import { IdGenerator } from './ids';
import { KafkaConnectHandler } from './kafkaconnect';
import { KafkaConnectModel } from './kafkaconnect-model';
import { RequestLog } from './requests';
import { S3Handler, S3Model } from './s3';
import { EmulatorServer } from './server';
import { SnsHandler, SnsModel } from './sns';

export { FakeClock, systemClock } from './clock';
export { CloudWatchModel } from './cloudwatch';
export { DynamoDbModel } from './dynamodb';
export { EventsModel } from './events';
export { DEFAULT_DURATIONS, Faults } from './faults';
export { KafkaConnectModel } from './kafkaconnect-model';
export { RequestLog } from './requests';
export { S3Model } from './s3';
export { SnsModel } from './sns';
export type { Clock } from './clock';
export type { AlarmInfo, AlarmSettings, AlarmState } from './cloudwatch';
export type { AttributeValue, Item } from './dynamodb';
export type { RuleSettings, RuleTargetSettings } from './events';
export type { Durations, HookAction, InjectedError, RequestHook } from './faults';
export type { ConnectorHealth, ConnectorInfo, ConnectorState, OperationInfo, OperationState } from './kafkaconnect-model';
export type { RequestRecord, RequestStatus } from './requests';
export type { PublishedMessage } from './sns';
export type { LogParams, ServiceName } from './wire';

export interface AwsEmulatorOptions {
  /** Region used in ARNs. Default 'us-east-1'. Requests are accepted whatever region they are signed for. */
  readonly region?: string;
  /** Account id used in ARNs. Default '123456789012'. */
  readonly account?: string;
  /** Time source for all lifecycles. Default: the system clock. */
  readonly clock?: Clock;
  /** Seed for the deterministic UUIDs, versions and request ids. Default 'emulator'. */
  readonly seed?: string | number;
  /** Default page size of MSK Connect List* calls without maxResults (small values exercise pagination). Default 10. */
  readonly listPageSize?: number;
  /** The most items a DynamoDB Scan page holds besides the service's 1 MB bound (small values exercise pagination). Default: no bound. */
  readonly scanPageSize?: number;
  /** Initial lifecycle durations (also adjustable later through `faults.setDurations`). */
  readonly durations?: Partial<Durations>;
}

/**
 * A loopback emulator of the AWS API subset the recovery function uses, spoken over the real wire
 * protocols so the real SDK v3 clients can be pointed at `endpoint`.
 *
 * ```ts
 * const emulator = new AwsEmulator({ clock: new FakeClock() });
 * const endpoint = await emulator.start();
 * const kc = new KafkaConnectClient({ ...emulator.clientConfig() });
 * ...
 * await emulator.stop();
 * ```
 */
export class AwsEmulator {
  public readonly region: string;
  public readonly account: string;
  public readonly clock: Clock;
  public readonly faults: Faults;
  public readonly requests = new RequestLog();
  public readonly kafkaconnect: KafkaConnectModel;
  public readonly s3: S3Model;
  public readonly sns: SnsModel;
  public readonly cloudwatch: CloudWatchModel;
  public readonly dynamodb: DynamoDbModel;
  public readonly events: EventsModel;
  private readonly server: EmulatorServer;

  constructor(options: AwsEmulatorOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.clock = options.clock ?? systemClock;
    const listPageSize = options.listPageSize ?? 10;
    if (!Number.isInteger(listPageSize) || listPageSize < 1 || listPageSize > 100) {
      throw new Error(`AwsEmulator: listPageSize must be an integer in 1..100, got ${listPageSize}`);
    }
    const scanPageSize = options.scanPageSize ?? Infinity;
    if (scanPageSize !== Infinity && (!Number.isInteger(scanPageSize) || scanPageSize < 1)) {
      throw new Error(`AwsEmulator: scanPageSize must be a positive integer, got ${scanPageSize}`);
    }
    const ids = new IdGenerator(String(options.seed ?? 'emulator'));
    this.faults = new Faults(options.durations);
    this.kafkaconnect = new KafkaConnectModel({
      region: this.region, account: this.account, clock: this.clock, faults: this.faults, ids, listPageSize,
    });
    this.s3 = new S3Model(this.clock, this.account);
    this.sns = new SnsModel(this.clock, ids);
    this.cloudwatch = new CloudWatchModel(this.clock, this.region, this.account);
    this.dynamodb = new DynamoDbModel(scanPageSize);
    this.events = new EventsModel(this.region, this.account);
    this.server = new EmulatorServer({
      handlers: {
        kafkaconnect: new KafkaConnectHandler(this.kafkaconnect),
        s3: new S3Handler(this.s3),
        sns: new SnsHandler(this.sns),
        monitoring: new CloudWatchHandler(this.cloudwatch),
        dynamodb: new DynamoDbHandler(this.dynamodb),
        events: new EventsHandler(this.events),
      },
      faults: this.faults,
      log: this.requests,
      clock: this.clock,
      ids,
    });
  }

  /** `http://127.0.0.1:<port>`; throws before `start()`. */
  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** Listens on 127.0.0.1 on a free port and returns the endpoint URL. Idempotent. */
  public async start(): Promise<string> {
    return this.server.start();
  }

  /** Closes the listener and destroys all sockets (keep-alive and hung ones included). */
  public async stop(): Promise<void> {
    return this.server.stop();
  }

  /**
   * Options to spread into any SDK v3 client constructor: region, endpoint and dummy credentials.
   * (S3 additionally needs `forcePathStyle: true`.)
   */
  public clientConfig(): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { region: this.region, endpoint: this.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  }
}
