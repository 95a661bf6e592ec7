import type { KafkaConnectModel } from '../emulator';
import { CONNECTED_METRIC } from './guard-alarms';
import type { FailureKind } from './scenarios';
import type { SignalStore } from './signals';

export interface ActorEvent {
  readonly time: number;
  readonly text: string;
}

/**
 * The Debezium connector: while the emulator says it is RUNNING and healthy it reads the source,
 * commits offsets every flush interval and writes the worker log lines of its Kafka Connect
 * version; it publishes Connected and the task counts. A failure changes only what it produces:
 * the API keeps saying RUNNING.
 */
export class ConnectorActor {
  private lastFlush = -Infinity;
  private lastHeartbeat = -Infinity;
  private lastReport = -Infinity;
  private unreported = 0;
  private failure?: FailureKind;
  private producing = true;

  constructor(
    private readonly name: string,
    private readonly model: KafkaConnectModel,
    private readonly signals: SignalStore,
    private readonly options: {
      readonly version: '2.7.1' | '3.7.x';
      readonly flushIntervalMs: number;
      /** How often a commit summary goes to the timeline (0: never). */
      readonly reportEveryMs: number;
      readonly heartbeatIntervalMs: number;
      readonly idle: boolean;
      readonly heartbeats: boolean;
      readonly records: () => number;
    },
  ) {}

  /** Injects a failure; the connector keeps reporting RUNNING. */
  public fail(kind: FailureKind): void {
    this.failure = kind;
    this.model.setHealth(this.name, kind === 'failed-task' ? 'failed-task' : 'silent');
  }

  /** Heals a failure by itself (flapping). */
  public heal(): void {
    if (this.model.connector(this.name)) {
      this.model.setHealth(this.name, 'healthy');
    }
  }

  public get currentFailure(): FailureKind | undefined {
    return this.failure;
  }

  /** One step at `now`: produce, log and publish what a real connector would. Returns what a person would notice. */
  public step(now: number): ActorEvent[] {
    const events: ActorEvent[] = [];
    const info = this.model.connector(this.name);
    const processing = this.model.isProcessing(this.name);
    if (processing && this.failure) {
      this.failure = undefined;
    }
    if (processing !== this.producing) {
      this.producing = processing;
      events.push({ time: now, text: processing ? 'producing again' : `(silence) API status: ${info?.state ?? 'NOT FOUND'}` });
    }
    if (!info || info.state !== 'RUNNING') {
      if (info?.state === 'FAILED') {
        this.publishTasks(now, 0, 1);
      }
      return events;
    }
    const taskFailed = info.health === 'failed-task';
    this.publishTasks(now, taskFailed ? 0 : 1, taskFailed ? 1 : 0);
    if (!taskFailed) {
      // Connected stays 1 in a silent stop: exactly why it is silent.
      this.signals.sample(CONNECTED_METRIC.metricName, now, info.health === 'silent' && this.failure === 'connected-drop' ? 0 : 1);
    }
    if (now - this.lastFlush >= this.options.flushIntervalMs) {
      this.lastFlush = now;
      let acknowledged = 0;
      if (processing && !this.options.idle) {
        acknowledged = this.options.records();
      } else if (processing && this.options.heartbeats && now - this.lastHeartbeat >= this.options.heartbeatIntervalMs) {
        this.lastHeartbeat = now;
        acknowledged = 1; // a heartbeat record
      }
      if (acknowledged > 0) {
        this.model.commitOffsets(this.name, acknowledged);
      }
      this.logCommit(now, acknowledged, taskFailed);
      this.unreported += acknowledged;
    }
    if (processing && this.options.reportEveryMs > 0 && now - this.lastReport >= this.options.reportEveryMs && this.unreported > 0) {
      this.lastReport = now;
      events.push({ time: now, text: `Committing offsets for ${this.unreported} msgs | Connected: 1 | committed offset ${this.model.committedOffset(this.name)}` });
      this.unreported = 0;
    }
    return events;
  }

  private publishTasks(now: number, running: number, errored: number): void {
    this.signals.sample('RunningTaskCount', now, running);
    this.signals.sample('ErroredTaskCount', now, errored);
  }

  /** The worker log lines Kafka Connect writes at INFO for one flush (apache/kafka WorkerSourceTask). */
  private logCommit(now: number, acknowledged: number, taskFailed: boolean): void {
    const task = `WorkerSourceTask{id=${this.name}-0}`;
    const prefix = `[Worker-0bb8afa0b01391c41] [${new Date(now).toISOString()}] INFO`;
    if (this.options.version === '2.7.1') {
      // 2.7.1 logs this every interval, stuck or failed: the seed's useless signal.
      this.signals.log(now, `${prefix} ${task} Committing offsets (org.apache.kafka.connect.runtime.WorkerSourceTask:478)`);
      if (acknowledged > 0) {
        this.signals.log(now, `${prefix} ${task} Finished commitOffsets successfully in 4 ms (org.apache.kafka.connect.runtime.WorkerSourceTask:560)`);
      }
    } else if (acknowledged > 0 && !taskFailed) {
      this.signals.log(now, `${prefix} [${this.name}|task-0|offsets] ${task} Committing offsets for ${acknowledged} acknowledged messages (org.apache.kafka.connect.runtime.WorkerSourceTask:233)`);
    }
  }
}
