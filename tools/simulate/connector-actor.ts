import type { KafkaConnectModel } from '../emulator';
import { CONNECTED_METRIC } from './guard-alarms';
import type { FailureKind } from './scenarios';
import type { SignalStore } from './signal-store';

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
  /** Worker log lines are not delivered before this time (a log-delivery gap). */
  private logsLostUntil = -Infinity;
  /** A crash loop: the task fails and comes back by itself until a restart ends it. */
  private loop?: { failed: boolean; toggleAt: number };
  /** Slow trickle: when the next change is read, and how many were read since the last flush. */
  private nextTrickleAt = -Infinity;
  private trickled = 0;
  /** Records were read (and so acknowledged) since the last flush: the next flush commits them, stalled or not. */
  private readSinceFlush = false;

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
      /** A slow trickle of changes instead of a busy or idle database: the gap before the next change. */
      readonly trickleGap?: () => number;
      /** Crash loop: how long each failure lasts, and each spell of running in between. */
      readonly crashLoop?: { readonly failedMs: number; readonly runningMs: number };
    },
  ) {}

  /** Injects a failure; the connector keeps reporting RUNNING. */
  public fail(kind: FailureKind, now = 0): void {
    this.failure = kind;
    if (kind === 'crash-loop') {
      this.loop = { failed: true, toggleAt: now + (this.options.crashLoop?.failedMs ?? 0) };
    }
    this.model.setHealth(this.name, kind === 'failed-task' || kind === 'crash-loop' ? 'failed-task' : 'silent');
  }

  /** MSK Connect stops delivering worker log lines until `until`; the connector itself is fine. */
  public loseLogs(until: number): void {
    this.logsLostUntil = until;
  }

  /** True while a crash loop goes on (its running spells are not a recovery). */
  public get looping(): boolean {
    return this.loop !== undefined;
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
    if (this.loop && info?.state !== 'RUNNING') {
      this.loop = undefined; // a restart (or anything else that stops the connector) ends the loop
    } else if (this.loop && now >= this.loop.toggleAt) {
      const failed = !this.loop.failed;
      const { failedMs, runningMs } = this.options.crashLoop!;
      this.loop = { failed, toggleAt: now + (failed ? failedMs : runningMs) };
      this.model.setHealth(this.name, failed ? 'failed-task' : 'healthy');
      events.push({ time: now, text: failed ? 'TASK FAILED again (crash loop) | API status: RUNNING' : 'task back by itself (crash loop), for now' });
    }
    const processing = this.model.isProcessing(this.name);
    if (processing && this.failure && !this.loop) {
      this.failure = undefined;
    }
    if (processing !== this.producing) {
      this.producing = processing;
      if (!this.loop) {
        events.push({ time: now, text: processing ? 'producing again' : `(silence) API status: ${info?.state ?? 'NOT FOUND'}` });
      }
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
    // Records read from the source and written to Kafka in this step, as AWS/KafkaConnect reports them.
    let records = 0;
    const trickle = this.options.trickleGap;
    if (processing && trickle && now >= this.nextTrickleAt) {
      if (this.nextTrickleAt !== -Infinity) {
        this.trickled += 1;
        records += 1;
      }
      this.nextTrickleAt = now + trickle();
    }
    const busy = processing && !this.options.idle && !trickle;
    if (busy) {
      records += 1;
    }
    if (now - this.lastFlush >= this.options.flushIntervalMs) {
      this.lastFlush = now;
      let acknowledged = 0;
      // apache/kafka commits (and logs) the records acknowledged since the last commit: the first
      // flush after a stall began still commits what was read before it; a failed task commits nothing.
      if (trickle) {
        acknowledged = taskFailed ? 0 : this.trickled;
        this.trickled = 0;
      } else if (!this.options.idle && this.readSinceFlush && !taskFailed) {
        acknowledged = this.options.records();
      }
      this.readSinceFlush = false;
      if (processing && (this.options.idle || trickle) && this.options.heartbeats && now - this.lastHeartbeat >= this.options.heartbeatIntervalMs) {
        this.lastHeartbeat = now;
        acknowledged += 1; // a heartbeat record
        records += 1;
      }
      if (acknowledged > 0) {
        this.model.commitOffsets(this.name, acknowledged);
      }
      if (now >= this.logsLostUntil) {
        this.logCommit(now, acknowledged, taskFailed);
      }
      this.unreported += acknowledged;
    }
    if (busy) {
      this.readSinceFlush = true; // what this step reads (from now to the next step) is the next flush's to commit
    }
    this.signals.sample('SourceRecordPollRate', now, records);
    this.signals.sample('SourceRecordWriteRate', now, records);
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
