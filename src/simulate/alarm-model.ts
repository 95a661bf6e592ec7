/**
 * The guard's alarms as the simulation's monitor evaluates them, read from the template the
 * guard synthesizes, so that the simulation checks the real definitions (period, evaluation
 * periods, datapoints to alarm, missing data, threshold) and not a copy of them.
 */

export type Comparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type MissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** Which simulated metric an alarm reads. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: string;
}

export interface AlarmDefinition {
  /** The construct path's last part, e.g. `OffsetCommitAlarm`. */
  readonly logicalId: string;
  readonly metric: MetricRef;
  /** The value that replaces a missing datapoint (`FILL(m, v)`), when the alarm reads such an expression. */
  readonly fill?: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: MissingData;
}

export interface MetricFilterDefinition {
  readonly filterPattern: string;
  readonly namespace: string;
  readonly metricName: string;
}

/** Reads every metric alarm and metric filter of a synthesized template (`Template.toJSON()`). */
export function readTemplate(template: { Resources: Record<string, { Type: string; Properties: any }> }): {
  alarms: AlarmDefinition[];
  metricFilters: MetricFilterDefinition[];
} {
  const alarms: AlarmDefinition[] = [];
  const metricFilters: MetricFilterDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::Logs::MetricFilter') {
      const t = p.MetricTransformations[0];
      metricFilters.push({ filterPattern: p.FilterPattern, namespace: t.MetricNamespace, metricName: t.MetricName });
    }
    if (resource.Type !== 'AWS::CloudWatch::Alarm') {
      continue;
    }
    let metric: MetricRef;
    let periodSeconds: number;
    let fill: number | undefined;
    if (p.Metrics) {
      const stat = p.Metrics.find((m: any) => m.MetricStat);
      const expression = p.Metrics.find((m: any) => m.Expression)?.Expression as string | undefined;
      const fillMatch = expression ? /^FILL\(\s*\w+\s*,\s*(-?[\d.]+)\s*\)$/.exec(expression) : null;
      if (expression && !fillMatch) {
        throw new Error(`the simulation cannot evaluate the expression "${expression}" of alarm ${logicalId}`);
      }
      fill = fillMatch ? Number(fillMatch[1]) : undefined;
      metric = { namespace: stat.MetricStat.Metric.Namespace, metricName: stat.MetricStat.Metric.MetricName, statistic: stat.MetricStat.Stat };
      periodSeconds = stat.MetricStat.Period;
    } else {
      metric = { namespace: p.Namespace, metricName: p.MetricName, statistic: p.Statistic ?? p.ExtendedStatistic };
      periodSeconds = p.Period;
    }
    alarms.push({
      logicalId,
      metric,
      fill,
      periodSeconds,
      evaluationPeriods: p.EvaluationPeriods,
      datapointsToAlarm: p.DatapointsToAlarm ?? p.EvaluationPeriods,
      threshold: p.Threshold,
      comparison: p.ComparisonOperator,
      treatMissingData: p.TreatMissingData ?? 'missing',
    });
  }
  return { alarms, metricFilters };
}
