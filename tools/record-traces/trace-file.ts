import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** One sample (every 10 s) of what the native AWS/KafkaConnect metrics and Debezium's JMX metrics are computed from. */
export interface MetricSample {
  /** ms after the scenario's start. */
  readonly t: number;
  /** JMX kafka.connect:type=source-task-metrics (task 0): source-record-poll-rate / -write-rate (records/s), null while the task has no metrics. */
  readonly pollRate: number | null;
  readonly writeRate: number | null;
  /** JMX kafka.connect:type=connect-worker-metrics,connector=<name>: connector-running-task-count / -failed-task-count. */
  readonly runningTasks: number | null;
  readonly failedTasks: number | null;
  /** REST /connectors/<name>/status: the connector's and task 0's state. */
  readonly connectorState: string | null;
  readonly taskState: string | null;
  /** JMX debezium.postgres:type=connector-metrics,context=streaming: Connected (1/0) and MilliSecondsSinceLastEvent. */
  readonly connected: number | null;
  readonly msSinceLastEvent: number | null;
}

/** A worker log event as MSK Connect delivers it to CloudWatch Logs: one line, `[Worker-<id>] ` prefixed. */
export interface LogEvent {
  readonly t: number;
  readonly message: string;
}

export interface Manifest {
  readonly scenario: string;
  readonly description: string;
  readonly kafkaConnectVersion: string;
  readonly versions: Record<string, string>;
  readonly connectorName: string;
  /** Absolute start (ISO 8601): the moment the connector was created; every `t` is ms after it. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** 1: real time. */
  readonly timeScale: number;
  readonly worker: Record<string, string | number>;
  readonly connectorConfig: Record<string, string>;
  /** What the recorder did, when (ms after the start). */
  readonly actions: { readonly t: number; readonly action: string }[];
  readonly sampleIntervalMs: number;
  /** Which worker log lines were left out, and which kept. */
  readonly logFilter: string;
  readonly notes: string[];
}

export interface Trace {
  readonly manifest: Manifest;
  readonly logs: LogEvent[];
  readonly samples: MetricSample[];
}

const EVENTS = 'events.jsonl.gz';

/** Writes test/fixtures/traces/<version>/<scenario>/{manifest.json,events.jsonl.gz}. */
export function writeTrace(dir: string, trace: Trace): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(trace.manifest, undefined, 2)}\n`);
  const lines = [
    ...trace.logs.map((e) => ({ t: e.t, log: e.message })),
    ...trace.samples.map((s) => ({ ...s, metrics: true })),
  ].sort((a, b) => a.t - b.t).map((e) => JSON.stringify(e));
  fs.writeFileSync(path.join(dir, EVENTS), zlib.gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
}

export function readTrace(dir: string): Trace {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const logs: LogEvent[] = [];
  const samples: MetricSample[] = [];
  for (const line of zlib.gunzipSync(fs.readFileSync(path.join(dir, EVENTS))).toString('utf8').split('\n')) {
    if (line === '') {
      continue;
    }
    const e = JSON.parse(line) as { t: number; log?: string; metrics?: boolean } & MetricSample;
    if (e.log !== undefined) {
      logs.push({ t: e.t, message: e.log });
    } else {
      const { metrics: _, ...sample } = e;
      samples.push(sample);
    }
  }
  return { manifest, logs, samples };
}
