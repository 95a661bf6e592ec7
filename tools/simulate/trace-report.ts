/**
 * `npm run simulate -- --trace <dir>`: a trace recorded from a real Kafka Connect worker, replayed
 * through the guard's synthesized metric filter and alarms (default props) instead of the
 * simulated connector.
 */
import * as path from 'path';
import { formatDuration } from './simulation';
import { replay, type Replay } from './trace-replay';
import { readTrace, type Manifest } from '../record-traces/trace-file';

export interface TraceReport {
  readonly trace: string;
  readonly scenario: string;
  readonly kafkaConnectVersion: string;
  readonly versions: Record<string, string>;
  readonly durationSeconds: number;
  /** What the recorder did, when (seconds after the start). */
  readonly actions: { readonly atSeconds: number; readonly action: string }[];
  /** When (seconds after the start) each alarm first reached ALARM; the composite's signals then. */
  readonly compositeAlarmAtSeconds?: number;
  readonly firing: string[];
  readonly firstAlarmSeconds: Record<string, number>;
  readonly logDeliveryWarningAtSeconds?: number;
}

/** Replays the trace in `dir` (a folder with manifest.json and events.jsonl.gz). */
export function traceReport(dir: string): TraceReport {
  const trace = readTrace(dir);
  const m: Manifest = trace.manifest;
  const r: Replay = replay(trace);
  const seconds = (ms: number) => Math.round(ms / 1000);
  return {
    trace: path.relative(process.cwd(), dir) || '.',
    scenario: m.scenario,
    kafkaConnectVersion: m.kafkaConnectVersion,
    versions: m.versions,
    durationSeconds: seconds(m.durationMs),
    actions: m.actions.map((a) => ({ atSeconds: seconds(a.t), action: a.action })),
    ...(r.alarmAt === undefined ? {} : { compositeAlarmAtSeconds: seconds(r.alarmAt) }),
    firing: r.firing,
    firstAlarmSeconds: Object.fromEntries(Object.entries(r.firstAlarm).map(([name, t]) => [name, seconds(t)])),
    ...(r.warnedAt === undefined ? {} : { logDeliveryWarningAtSeconds: seconds(r.warnedAt) }),
  };
}

/** The report as the CLI prints it. The connector's configuration is never printed (the manifest holds it). */
export function renderTraceReport(report: TraceReport): string[] {
  const at = (s: number) => formatDuration(s * 1000);
  const versions = Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `cdk-debezium-guard simulation: recorded trace ${report.trace} (scenario ${report.scenario}, Kafka Connect ${report.kafkaConnectVersion}; ${versions}), `
      + `${at(report.durationSeconds)} of real worker logs and metrics replayed through the guard's synthesized metric filter and alarms (default props)`,
    '',
    'what was done:',
    ...report.actions.map((a) => `  ${at(a.atSeconds).padStart(8)}  ${a.action}`),
    '',
    report.compositeAlarmAtSeconds === undefined
      ? 'composite alarm: quiet for the whole trace'
      : `composite alarm: ALARM at ${at(report.compositeAlarmAtSeconds)} (${report.firing.join(', ')})`,
    'first ALARM of each signal:',
    ...(Object.keys(report.firstAlarmSeconds).length === 0
      ? ['  none']
      : Object.entries(report.firstAlarmSeconds).map(([name, s]) => `  ${at(s).padStart(8)}  ${name}`)),
    `log-delivery warning: ${report.logDeliveryWarningAtSeconds === undefined ? 'never' : `ALARM at ${at(report.logDeliveryWarningAtSeconds)}`}`,
  ];
}
