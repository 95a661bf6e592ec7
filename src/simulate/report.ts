import type { IncidentReport, SimulationReport } from './simulation';
import { formatDuration } from './simulation';

/** The per-incident table and the totals, as printed at the end of a run. */
export function renderReport(report: SimulationReport, pollMs: number): string[] {
  const rows = report.incidents.map((i) => [
    `#${i.id}`,
    i.kind,
    i.detectedAt !== undefined ? `${formatDuration(i.detectedAt - i.failedAt)} (${Math.ceil((i.detectedAt - i.failedAt) / pollMs)} polls)` : i.selfHealed ? 'healed first' : '-',
    i.recoveredAt !== undefined ? formatDuration(i.recoveredAt - i.failedAt) : i.selfHealed ? 'healed first' : 'NOT RECOVERED',
    i.actions.join(' -> ') || 'none',
    offsetsCell(i),
  ]);
  const lines = table(['incident', 'failure', 'detected after', 'recovered after', 'action', 'offsets kept'], rows);
  lines.push('');
  lines.push(`${report.incidents.length} incident(s), ${recovered(report).length} recovered, ${report.incidents.filter((i) => i.selfHealed).length} healed by themselves; `
    + `${report.falseAlarms} alarm(s) without a failure; ${report.actionsOutsideIncidents.length} action(s) outside incidents.`);
  const times = recovered(report).map((i) => i.recoveredAt! - i.failedAt);
  if (times.length > 0) {
    lines.push(`time to recover: median ${formatDuration(median(times))}, max ${formatDuration(Math.max(...times))}`);
  }
  for (const v of report.violations) {
    lines.push(`INVARIANT BROKEN: ${v}`);
  }
  return lines;
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
  lines.push(`median time to recover: guard ${mttr(ours)}, seed approach ${mttr(seed)}`);
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
