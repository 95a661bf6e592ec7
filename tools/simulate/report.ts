import type { IncidentReport, SimulationReport } from './simulation';
import { formatDuration } from './simulation';

/** How an incident still being handled when the run was interrupted is labelled. */
export const IN_PROGRESS = 'in progress (interrupted)';

export type IncidentOutcome = 'recovered' | 'healed by itself' | 'not recovered' | typeof IN_PROGRESS;

export function incidentOutcome(i: IncidentReport): IncidentOutcome {
  if (i.recoveredAt !== undefined) {
    return 'recovered';
  }
  if (i.selfHealed) {
    return 'healed by itself';
  }
  return i.interrupted ? IN_PROGRESS : 'not recovered';
}

/** The exit status of a run: 130 when interrupted, 1 when an incident was not recovered or an invariant broke, else 0. */
export function exitStatus(report: SimulationReport): number {
  if (report.interrupted) {
    return 130;
  }
  const unrecovered = report.incidents.filter((i) => incidentOutcome(i) === 'not recovered');
  return unrecovered.length > 0 || report.violations.length > 0 ? 1 : 0;
}

/** One incident in the `--json` document; times are simulated seconds. */
export interface IncidentJson {
  readonly id: number;
  readonly failure: string;
  /** When the failure was injected, from the start of the run. */
  readonly failedAtSeconds: number;
  readonly detectedAfterSeconds: number | null;
  readonly detectedAfterPolls: number | null;
  readonly recoveredAfterSeconds: number | null;
  readonly outcome: IncidentOutcome;
  readonly actions: string[];
  /** `restart -> delete -> create`, or `none`, as in the table. */
  readonly action: string;
  readonly offsets: { readonly before: number; readonly after: number | null; readonly kept: boolean | null };
}

export interface RunSummaryJson {
  readonly incidents: number;
  readonly recovered: number;
  readonly healedByThemselves: number;
  readonly inProgress: number;
  readonly falseAlarms: number;
  readonly actionsOutsideIncidents: string[];
  readonly medianTimeToRecoverSeconds: number | null;
  readonly maxTimeToRecoverSeconds: number | null;
  readonly incidentsWithOffsetsLost: number;
  /** SNS notification subjects, in order. */
  readonly notices: string[];
  /** Notifications of the warning alarms (log-delivery gap), in order. */
  readonly warnings: string[];
  /** The composite alarm's own ALARM and OK notifications (CloudWatch to the topic), with their times. */
  readonly alarmNotices: string[];
  /** Worker-log delivery outages: when (simulated seconds from the start) and whether the warning went out. */
  readonly logGaps: { readonly startedAtSeconds: number; readonly endedAtSeconds: number; readonly warnedAfterSeconds: number | null }[];
}

/** The `--json` document. */
export interface JsonReport {
  readonly options: Record<string, unknown>;
  readonly incidents: IncidentJson[];
  readonly summary: RunSummaryJson;
  readonly violations: string[];
  /**
   * With `--timing aws` (and not interrupted): the same incidents recovered by the seed demo's
   * approach, and the time-to-recover ratio (guard median / seed median; null without both).
   */
  readonly comparison: {
    readonly seedApproach: { readonly incidents: IncidentJson[]; readonly summary: RunSummaryJson };
    readonly timeToRecoverRatio: number | null;
  } | null;
  readonly interrupted: boolean;
  readonly exitStatus: number;
}

/** Everything `renderReport` (and `renderComparison`) show, as one JSON-ready object. */
export function jsonReport(options: Record<string, unknown>, ours: SimulationReport, pollMs: number, seed?: SimulationReport): JsonReport {
  return {
    options,
    incidents: ours.incidents.map((i) => incidentJson(i, pollMs, ours.startedAt)),
    summary: summaryJson(ours),
    violations: [...ours.violations],
    comparison: seed
      ? {
        seedApproach: { incidents: seed.incidents.map((i) => incidentJson(i, pollMs, seed.startedAt)), summary: summaryJson(seed) },
        timeToRecoverRatio: timeToRecoverRatio(ours, seed) ?? null,
      }
      : null,
    interrupted: ours.interrupted,
    exitStatus: exitStatus(ours),
  };
}

function incidentJson(i: IncidentReport, pollMs: number, startedAt: number): IncidentJson {
  const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
  return {
    id: i.id,
    failure: i.kind,
    failedAtSeconds: (i.failedAt - startedAt) / 1000,
    detectedAfterSeconds: seconds(i.detectedAt === undefined ? undefined : i.detectedAt - i.failedAt),
    detectedAfterPolls: i.detectedAt === undefined ? null : Math.ceil((i.detectedAt - i.failedAt) / pollMs),
    recoveredAfterSeconds: seconds(i.recoveredAt === undefined ? undefined : i.recoveredAt - i.failedAt),
    outcome: incidentOutcome(i),
    actions: [...i.actions],
    action: i.actions.join(' -> ') || 'none',
    offsets: { before: i.offsetBefore, after: i.offsetAfter ?? null, kept: i.offsetAfter === undefined ? null : !lostOffsets(i) },
  };
}

function summaryJson(r: SimulationReport): RunSummaryJson {
  const times = recovered(r).map((i) => (i.recoveredAt! - i.failedAt) / 1000);
  return {
    incidents: r.incidents.length,
    recovered: times.length,
    healedByThemselves: r.incidents.filter((i) => i.selfHealed).length,
    inProgress: r.incidents.filter((i) => i.interrupted).length,
    falseAlarms: r.falseAlarms,
    actionsOutsideIncidents: [...r.actionsOutsideIncidents],
    medianTimeToRecoverSeconds: times.length > 0 ? median(times) : null,
    maxTimeToRecoverSeconds: times.length > 0 ? Math.max(...times) : null,
    incidentsWithOffsetsLost: r.incidents.filter(lostOffsets).length,
    notices: [...r.notices],
    warnings: [...r.warnings],
    alarmNotices: [...r.alarmNotices],
    logGaps: r.logGaps.map((g) => ({
      startedAtSeconds: (g.startedAt - r.startedAt) / 1000,
      endedAtSeconds: (g.endedAt - r.startedAt) / 1000,
      warnedAfterSeconds: g.warnedAt === undefined ? null : (g.warnedAt - g.startedAt) / 1000,
    })),
  };
}

/** Guard median time to recover / the seed approach's, rounded to 3 decimals; undefined when either recovered nothing. */
export function timeToRecoverRatio(ours: SimulationReport, seed: SimulationReport): number | undefined {
  const t = (r: SimulationReport) => recovered(r).map((i) => i.recoveredAt! - i.failedAt);
  const [a, b] = [t(ours), t(seed)];
  return a.length > 0 && b.length > 0 ? Math.round((median(a) / median(b)) * 1000) / 1000 : undefined;
}

/** The per-incident table and the totals, as printed at the end of a run. */
export function renderReport(report: SimulationReport, pollMs: number): string[] {
  if (report.incidents.length === 0 && report.logGaps.length === 0) {
    return renderQuietRun(report);
  }
  const rows = report.incidents.map((i) => [
    `#${i.id}`,
    i.kind,
    i.detectedAt !== undefined ? `${formatDuration(i.detectedAt - i.failedAt)} (${Math.ceil((i.detectedAt - i.failedAt) / pollMs)} polls)` : i.selfHealed ? 'healed first' : '-',
    i.recoveredAt !== undefined ? formatDuration(i.recoveredAt - i.failedAt) : i.selfHealed ? 'healed first' : i.interrupted ? IN_PROGRESS : 'NOT RECOVERED',
    i.actions.join(' -> ') || 'none',
    offsetsCell(i),
  ]);
  // A run with only log-delivery gaps has no incident to tabulate.
  const lines = rows.length > 0 ? [...table(['incident', 'failure', 'detected after', 'recovered after', 'action', 'offsets kept'], rows), ''] : [];
  const inProgress = report.incidents.filter((i) => i.interrupted).length;
  lines.push(`${report.incidents.length} incident(s), ${recovered(report).length} recovered, ${report.incidents.filter((i) => i.selfHealed).length} healed by themselves`
    + `${inProgress > 0 ? `, ${inProgress} ${IN_PROGRESS}` : ''}; `
    + `${report.falseAlarms} alarm(s) without a failure; ${report.actionsOutsideIncidents.length} action(s) outside incidents.`);
  const times = recovered(report).map((i) => i.recoveredAt! - i.failedAt);
  if (times.length > 0) {
    lines.push(`time to recover: median ${formatDuration(median(times))}, max ${formatDuration(Math.max(...times))}`);
  }
  for (const g of report.logGaps) {
    lines.push(`worker-log delivery gap at ${clock(g.startedAt - report.startedAt)} for ${formatDuration(g.endedAt - g.startedAt)}: `
      + `${g.warnedAt !== undefined ? `warned after ${formatDuration(g.warnedAt - g.startedAt)}` : 'NOT WARNED'}, ${report.actionsOutsideIncidents.length === 0 ? 'no action (the native metrics showed production)' : 'ACTED ON'}`);
  }
  for (const v of report.violations) {
    lines.push(`INVARIANT BROKEN: ${v}`);
  }
  return lines;
}

/**
 * A run without injected failures (the idle scenarios, the slow trickle): no incident table, but
 * the notices the guard sent and what the run shows.
 */
function renderQuietRun(report: SimulationReport): string[] {
  const actions = report.actionsOutsideIncidents;
  const lines = [`no failure injected; ${report.falseAlarms} alarm(s), ${actions.length} action(s)${actions.length > 0 ? ` (${actions.join(', ')})` : ''}.`];
  const notices = [...report.alarmNotices, ...report.warnings];
  lines.push(notices.length + report.notices.length === 0
    ? 'notices sent: none'
    : `notices sent: ${notices.length} by CloudWatch, ${report.notices.length} by the recovery function:`);
  notices.forEach((n) => lines.push(`  ${n}`));
  report.notices.forEach((n) => lines.push(`  ${n}`));
  lines.push('');
  if (report.falseAlarms > 0) {
    lines.push('What this shows: a healthy connector on an idle database produces no record and commits no offset, which the guard cannot tell from a');
    lines.push('stall: every alarm above is a false alarm, and every action a needless restart or recreate (offsets are kept). Enable Debezium');
    lines.push('heartbeats (heartbeat.interval.ms=30000, plus heartbeat.action.query for PostgreSQL): see the idle-with-heartbeats scenario.');
  } else {
    lines.push('What this shows: a connector that keeps producing a record now and then (changes or heartbeats) stays quiet: no alarm, no action.');
  }
  for (const v of report.violations) {
    lines.push(`INVARIANT BROKEN: ${v}`);
  }
  return lines;
}

/** `h:mm:ss` / `mm:ss` from the start of the run. */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The AWS timing model: the same incidents recovered by the guard and by the seed's approach. */
export function renderComparison(ours: SimulationReport, seed: SimulationReport): string[] {
  const rows = ours.incidents.map((i, n) => {
    const s = seed.incidents[n];
    return [
      `#${i.id}`,
      i.kind,
      i.detectedAt !== undefined ? formatDuration(i.detectedAt - i.failedAt) : '-',
      i.recoveredAt !== undefined ? formatDuration(i.recoveredAt - i.failedAt) : 'NOT RECOVERED',
      i.actions.join(' -> ') || 'none',
      offsetsCell(i),
      s?.recoveredAt !== undefined ? formatDuration(s.recoveredAt - s.failedAt) : s ? 'NOT RECOVERED' : '-',
      s ? s.actions.join(' -> ') || 'none' : '-',
      s ? offsetsCell(s) : '-',
    ];
  });
  const lines = table(['incident', 'failure', 'detected', 'guard: recovered', 'guard: action', 'guard: offsets', 'seed: recovered', 'seed: action', 'seed: offsets'], rows);
  const mttr = (r: SimulationReport) => {
    const t = recovered(r).map((i) => i.recoveredAt! - i.failedAt);
    return t.length > 0 ? formatDuration(median(t)) : '-';
  };
  lines.push('');
  const ratio = timeToRecoverRatio(ours, seed);
  lines.push(`median time to recover: guard ${mttr(ours)}, seed approach ${mttr(seed)}${ratio === undefined ? '' : ` (ratio ${ratio.toFixed(3)})`}`);
  lines.push(`offsets lost: guard ${ours.incidents.filter(lostOffsets).length}, seed approach ${seed.incidents.filter(lostOffsets).length} of ${seed.incidents.length} incidents`);
  return lines;
}

function recovered(r: SimulationReport): IncidentReport[] {
  return r.incidents.filter((i) => i.recoveredAt !== undefined);
}

function lostOffsets(i: IncidentReport): boolean {
  return i.offsetAfter !== undefined && i.offsetAfter < i.offsetBefore;
}

function offsetsCell(i: IncidentReport): string {
  if (i.offsetAfter === undefined) {
    return '-';
  }
  return `${lostOffsets(i) ? 'NO' : 'yes'} (${i.offsetBefore} -> ${i.offsetAfter})`;
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const render = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)];
}
