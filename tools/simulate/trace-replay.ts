import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
/**
 * A trace recorded from real Kafka Connect workers (`npm run record-traces`), replayed through the
 * guard's synthesized metric filter and alarms: what the replay tests assert and what
 * `npm run simulate -- --trace <dir>` prints.
 */
import { evaluateAlarm, type AlarmStateValue } from './alarm-evaluator';
import { evaluateRule } from './alarm-model';
import { compileFilterPattern } from './filter-pattern';
import { CONNECTED_METRIC, guardAlarms, type TriggerRule } from './guard-alarms';
import { shortName, source } from './monitor';
import { SignalStore } from './signal-store';
import { KafkaConnectVersion } from '../../src/kafka-connect-version';
import type { DebeziumSilentFailureGuardProps } from '../../src/props';
import type { Trace } from '../record-traces/trace-file';

const S = 1000;
const MIN = 60 * S;
const STEP = 10 * S;

export interface ReplayOptions {
  /** When the guard starts watching (ms after the trace's start); 4 minutes unless told. */
  readonly from?: number;
  /**
   * Also alarm on Debezium's Connected metric (recorded from JMX), published every minute by an
   * exporter (a 1-minute Minimum: the guard's Connected alarm takes the metric's own period).
   */
  readonly connected?: boolean;
  /** Replay a fleet's member (its stall and task alarms, read by its fleet) instead of a single guard. */
  readonly member?: boolean;
}

export interface Replay {
  /** When (ms after the trace's start) the composite alarm first reached ALARM, or undefined. */
  readonly alarmAt?: number;
  /** The signal alarms in ALARM at that moment (short names). */
  readonly firing: string[];
  /** When each signal alarm first reached ALARM (ms after the trace's start). */
  readonly firstAlarm: Record<string, number>;
  /** When the log-delivery warning first reached ALARM. */
  readonly warnedAt?: number;
}

/**
 * Replays a recorded trace through the guard's synthesized metric filter and alarms, as the
 * detection tests do with hand-written traces: every worker log event goes through the metric
 * filter's pattern, every metric sample becomes an AWS/KafkaConnect (or Debezium) datapoint at its
 * recorded time, and CloudWatch's rules evaluate every alarm every 10 s on clock-aligned periods
 * from `from` (ms after the start: the guard watching an already-running connector) to the end.
 */
export function replay(trace: Trace, props: Partial<DebeziumSilentFailureGuardProps> = {}, options: ReplayOptions = {}): Replay {
  const { manifest } = trace;
  const version = manifest.kafkaConnectVersion === '2.7.1' ? KafkaConnectVersion.V2_7_1 : KafkaConnectVersion.V3_7_X;
  const connectedMetric = options.connected
    ? new cloudwatch.Metric({ ...CONNECTED_METRIC, dimensionsMap: { connector: manifest.connectorName }, statistic: 'Minimum', period: Duration.minutes(1) })
    : undefined;
  const guardProps = { connectedMetric, ...props };
  const trigger = options.member ? 'member' : 'guard';
  const key = Object.keys(props).length === 0 ? `${options.connected}|${trigger}` : undefined;
  const { composite, warnings, alarms, metricFilters } = synthesized(manifest.connectorName, version, guardProps, key, trigger);
  const start = Date.parse(manifest.startedAt);
  const signals = new SignalStore();
  for (const e of trace.logs) {
    signals.log(start + e.t, e.message);
  }
  for (const s of trace.samples) {
    const at = start + s.t;
    // A task without metrics (stopped, failed, restarting) publishes no rate: missing, not 0.
    if (s.pollRate !== null) {
      signals.sample('SourceRecordPollRate', at, s.pollRate);
    }
    if (s.writeRate !== null) {
      signals.sample('SourceRecordWriteRate', at, s.writeRate);
    }
    if (s.failedTasks !== null) {
      signals.sample('ErroredTaskCount', at, s.failedTasks);
    }
    if (s.runningTasks !== null) {
      signals.sample('RunningTaskCount', at, s.runningTasks);
    }
    if (s.connected !== null) {
      signals.sample('Connected', at, s.connected);
    }
  }
  const sources = new Map(alarms.map((a) => [a.logicalId, source(a, metricFilters, signals)]));
  const states = new Map<string, AlarmStateValue>(alarms.map((a) => [a.logicalId, 'INSUFFICIENT_DATA']));
  const state = (id: string) => states.get(id) ?? 'OK';
  let result: { alarmAt?: number; firing: string[]; firstAlarm: Record<string, number>; warnedAt?: number } = { firing: [], firstAlarm: {} };
  const first = Math.ceil((start + (options.from ?? 4 * MIN)) / STEP) * STEP;
  for (let now = first; now <= start + manifest.durationMs; now += STEP) {
    for (const alarm of alarms) {
      states.set(alarm.logicalId, evaluateAlarm(alarm, sources.get(alarm.logicalId)!, now, state(alarm.logicalId)));
    }
    const firing = alarms.filter((a) => state(a.logicalId) === 'ALARM').map((a) => shortName(a.logicalId));
    for (const name of firing) {
      result.firstAlarm[name] ??= now - start;
    }
    if (result.alarmAt === undefined && evaluateRule(composite.rule, state) === 'ALARM') {
      result = { ...result, alarmAt: now - start, firing };
    }
    if (result.warnedAt === undefined && warnings.some((w) => evaluateRule(w.rule, state) === 'ALARM')) {
      result = { ...result, warnedAt: now - start };
    }
  }
  return result;
}

type GuardAlarms = ReturnType<typeof guardAlarms>;
const cache = new Map<string, GuardAlarms>();

/** The guard's alarms, synthesized once per connector, version and `key` (none: every time). */
function synthesized(name: string, version: KafkaConnectVersion, props: Partial<DebeziumSilentFailureGuardProps>, key?: string, trigger: TriggerRule = 'guard'): GuardAlarms {
  const id = `${name}|${version.version}|${key}`;
  const found = key === undefined ? undefined : cache.get(id);
  if (found) {
    return found;
  }
  const made = guardAlarms(name, version, props, trigger);
  if (key !== undefined) {
    cache.set(id, made);
  }
  return made;
}

/** The events of the trace that the guard's offset-commit metric filter counts. */
export function countedLines(trace: Trace): string[] {
  const version = trace.manifest.kafkaConnectVersion === '2.7.1' ? KafkaConnectVersion.V2_7_1 : KafkaConnectVersion.V3_7_X;
  const { metricFilters } = synthesized(trace.manifest.connectorName, version, { connectedMetric: undefined }, 'false|guard');
  if (metricFilters.length !== 1) {
    throw new Error(`the guard should synthesize one metric filter, found ${metricFilters.length}`);
  }
  const matches = compileFilterPattern(metricFilters[0].filterPattern);
  return trace.logs.filter((e) => matches(e.message)).map((e) => e.message);
}
