/**
 * A fleet (`DebeziumGuardFleet`) in the loopback emulator: many connectors, each with its stored
 * request and its stall alarm tagged as a member, one topic, one table and the bundled handler
 * with the fleet's environment, through the real SDK clients.
 */
import { MINUTE, storedRecord, type StoredRecord } from './harness';
import { CONNECTOR_FIELD, ENV, MANUAL_ACTION, MEMBER_SIGNAL, guardSignalAlarmName, MEMBER_TAG, TRIGGER_INPUT } from '../../src/recovery/constants';
import type { FleetRunSummary } from '../../src/recovery/fleet-run';
import { AwsEmulator, type FakeClock, type PublishedMessage, type RequestRecord } from '../../tools/emulator';
import {
  ACCOUNT, loadBundledHandler, pacingEnv, REGION, seedConnector, type BundledHandler, type HandlerOptions, type PacingOptions,
} from '../../tools/simulate/world';

export interface FleetOptions extends PacingOptions, Omit<HandlerOptions, 'clock'> {
  readonly clock: FakeClock;
  /** How many members; they are named cdc-000, cdc-001, ... */
  readonly size: number;
  /** GUARD_FLEET_CONCURRENCY. */
  readonly concurrency: number;
  /** The emulator's Scan page size (see `AwsEmulatorOptions.scanPageSize`). Default: only the 1 MB bound. */
  readonly scanPageSize?: number;
}

/** Members are named `cdc-NNN`: any request naming one belongs to that member's run. */
const MEMBER_NAME = /cdc-\d{3}/;

export class FleetWorld {
  /** Starts the emulator on a fake clock with AWS-like API durations, seeds the fleet, and loads the handler. */
  public static async start(options: FleetOptions): Promise<FleetWorld> {
    const emulator = new AwsEmulator({
      region: REGION,
      account: ACCOUNT,
      clock: options.clock,
      seed: 'fleet',
      listPageSize: 2,
      scanPageSize: options.scanPageSize,
      durations: { restartMs: MINUTE, restartPendingMs: 5_000, deleteMs: MINUTE, createMs: 2 * MINUTE },
    });
    await emulator.start();
    return new FleetWorld(emulator, options);
  }

  public readonly fleetId = 'Cdc-Fleet-1A2B3C4D';
  public readonly names: readonly string[];
  public readonly bucket = 'connector-configs';
  public readonly topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:debezium-guard-fleet`;
  public readonly table = 'debezium-guard-fleet-state';
  public readonly roleArn = `arn:aws:iam::${ACCOUNT}:role/msk-connect`;
  /** The fleet's function: what its tick rule targets, and what Lambda's context tells it. */
  public readonly functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:debezium-guard-fleet-recovery`;
  /** The fleet's tick rule, named as CloudFormation would name it. */
  public readonly tickRule = 'FleetStack-CdcFleetReconcileRule-7G8H9I';
  /** The first request of each tick, by sequence number (`RequestRecord.seq`). */
  public readonly tickStarts: number[] = [];
  /** What each tick returned. */
  public readonly summaries: FleetRunSummary[] = [];
  private readonly handler: BundledHandler<FleetRunSummary>;
  private readonly restoreEnv: () => void;
  private runs = 0;

  private constructor(public readonly emulator: AwsEmulator, options: FleetOptions) {
    this.names = Array.from({ length: options.size }, (_, i) => `cdc-${String(i).padStart(3, '0')}`);
    emulator.sns.createTopic(this.topicArn);
    emulator.dynamodb.createTable(this.table, 'pk');
    for (const connectorName of this.names) {
      seedConnector(emulator, {
        connectorName,
        roleArn: this.roleArn,
        workerConfigurationArn: `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:worker-configuration/${connectorName}-workers/5d8a-1`,
        offsetStorage: true,
        bucket: this.bucket,
        configKey: this.configKey(connectorName),
      });
      // A member's alarms: the stall alarm (tagged: its registration), the task alarm and the offset-commit alarm.
      emulator.cloudwatch.setAlarm(guardSignalAlarmName(connectorName, MEMBER_SIGNAL.TASKS), { state: 'OK' });
      emulator.cloudwatch.setAlarm(guardSignalAlarmName(connectorName, MEMBER_SIGNAL.OFFSET_COMMITS), { state: 'OK' });
      emulator.cloudwatch.setAlarm(this.alarmName(connectorName), {
        state: 'OK',
        actionsEnabled: true,
        tags: {
          [MEMBER_TAG.FLEET]: this.fleetId,
          [MEMBER_TAG.CONFIG_BUCKET]: this.bucket,
          [MEMBER_TAG.CONFIG_KEY]: this.configKey(connectorName),
          [MEMBER_TAG.CONFIG_BUCKET_OWNER]: ACCOUNT,
          [MEMBER_TAG.SERVICE_EXECUTION_ROLE_ARN]: this.roleArn,
        },
      });
    }
    // The fleet's one rule, as the construct deploys it (fleet.ts): the tick.
    emulator.events.putRule(this.tickRule, {
      scheduleExpression: 'rate(1 minute)',
      targets: [{ id: 'Target0', arn: this.functionArn, input: JSON.stringify({ trigger: TRIGGER_INPUT.TICK }) }],
    });
    const env = {
      [ENV.FLEET_ID]: this.fleetId,
      [ENV.FLEET_CONCURRENCY]: String(options.concurrency),
      [ENV.TOPIC_ARN]: this.topicArn,
      [ENV.STATE_TABLE]: this.table,
      ...pacingEnv(options),
    };
    ({ handler: this.handler, restoreEnv: this.restoreEnv } = loadBundledHandler<FleetRunSummary>(emulator, env, options));
  }

  public configKey(connectorName: string): string {
    return `debezium/${connectorName}.json`;
  }

  /** A member's stall alarm: the one its state follows here, and its registration. */
  public alarmName(connectorName: string): string {
    return guardSignalAlarmName(connectorName, MEMBER_SIGNAL.STALL);
  }

  /** Replaces a member's stored CreateConnector request (any text: tests store broken ones). */
  public storeRequest(connectorName: string, body: string): void {
    this.emulator.s3.putObject(this.bucket, this.configKey(connectorName), body, 'application/json');
  }

  /** A member's stall alarm state, as CloudWatch (or a test) sets it; its tags stay. */
  public setAlarm(connectorName: string, state: 'OK' | 'ALARM'): void {
    this.emulator.cloudwatch.setAlarm(this.alarmName(connectorName), { state });
  }

  /** CloudWatch, simplified: each member's stall alarm is OK exactly when its connector is RUNNING and processing. */
  public alarmsFollowHealth(): () => void {
    return () => this.names.forEach((name) => this.setAlarm(name, this.emulator.kafkaconnect.isProcessing(name) ? 'OK' : 'ALARM'));
  }

  /** The fleet's tick, as its EventBridge rule sends it; its summary is kept in `summaries`. */
  public async tick(): Promise<FleetRunSummary> {
    this.runs += 1;
    this.tickStarts.push(this.emulator.requests.entries.length + 1);
    const summary = await this.handler({ trigger: TRIGGER_INPUT.TICK }, { awsRequestId: `fleet-run-${this.runs}`, invokedFunctionArn: this.functionArn });
    this.summaries.push(summary);
    return summary;
  }

  /** `{"action":"drill","connector":...}`, as an operator invokes it (not kept in `summaries`). */
  public drill(connectorName: string): Promise<FleetRunSummary> {
    this.runs += 1;
    return this.handler({ action: MANUAL_ACTION.DRILL, [CONNECTOR_FIELD]: connectorName }, { awsRequestId: `fleet-run-${this.runs}`, invokedFunctionArn: this.functionArn });
  }

  public notices(): PublishedMessage[] {
    return this.emulator.sns.messages(this.topicArn);
  }

  public record(connectorName: string): StoredRecord | undefined {
    return storedRecord(this.emulator, this.table, connectorName);
  }

  /** Stores an IDLE record for every member, as their past incidents left them. */
  public seedIdleRecords(): void {
    for (const name of this.names) {
      this.emulator.dynamodb.putItem(this.table, {
        pk: { S: name },
        version: { N: '4' },
        record: { S: JSON.stringify({ phase: 'IDLE', attempts: [] }) },
        leaseOwner: { S: 'an-earlier-run' },
        leaseUntil: { N: '0' },
      });
    }
  }

  /**
   * The member a request was made for (its connector, alarm, stored request or record), if any. Not
   * the run's own calls: a Scan page's start key names a member, and a digest's subject many.
   */
  public memberOf(request: RequestRecord): string | undefined {
    const ofTheRun = request.service === 'sns' || request.operation === 'Scan';
    return ofTheRun ? undefined : MEMBER_NAME.exec(JSON.stringify(request.params))?.[0];
  }

  /** The requests of each tick, in arrival order. */
  public requestsByTick(): RequestRecord[][] {
    const entries = this.emulator.requests.entries;
    return this.tickStarts.map((start, i) => entries.filter((r) => r.seq >= start && r.seq < (this.tickStarts[i + 1] ?? Infinity)));
  }

  /**
   * The most members whose runs overlapped in one tick: a member's run spans its first to its last
   * request, and a worker of the fleet takes the next member only after the last answer of its previous one.
   */
  public mostMembersAtOnce(requests: readonly RequestRecord[]): number {
    const spans = new Map<string, { first: number; last: number }>();
    for (const r of requests) {
      const member = this.memberOf(r);
      if (member !== undefined) {
        const span = spans.get(member);
        spans.set(member, { first: span?.first ?? r.seq, last: r.seq });
      }
    }
    const edges = [...spans.values()].flatMap((s) => [[s.first, 1], [s.last, -1]] as const)
      .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let open = 0;
    let most = 0;
    for (const [, delta] of edges) {
      open += delta;
      most = Math.max(most, open);
    }
    return most;
  }

  public async stop(): Promise<void> {
    this.restoreEnv();
    await this.emulator.stop();
  }
}
