import { evaluateAlarm, type AlarmStateValue, type Datapoints } from './alarm-evaluator';
import { evaluateExpression, evaluateRule, ruleAlarms, type AlarmDefinition, type CompositeAlarmDefinition, type MetricFilterDefinition, type MetricRef } from './alarm-model';
import { compileFilterPattern } from './filter-pattern';
import type { SignalStore } from './signal-store';

export interface MonitorResult {
  /** The composite alarm's state: its synthesized rule over the signal alarms' states. */
  readonly composite: AlarmStateValue;
  /** True when the composite changed in this evaluation. */
  readonly changed: boolean;
  /** Names of the signal alarms in ALARM. */
  readonly alarming: string[];
  /** The warning composite alarms (notify, never trigger recovery): their states and whether they changed now. */
  readonly warnings: { readonly logicalId: string; readonly state: AlarmStateValue; readonly changed: boolean }[];
}

/**
 * CloudWatch, as far as the guard is concerned: evaluates the guard's synthesized alarms over
 * what the connector published (never the connector's internal state) and combines them with the
 * synthesized composite alarm's rule (the guard's is `ALARM(a) OR ALARM(b) ...`).
 */
export class Monitor {
  private readonly states = new Map<string, AlarmStateValue>();
  private composite: AlarmStateValue = 'OK';
  private readonly warningStates = new Map<string, AlarmStateValue>();
  private readonly sources: Map<string, Datapoints>;

  constructor(
    private readonly alarms: AlarmDefinition[],
    metricFilters: MetricFilterDefinition[],
    signals: SignalStore,
    private readonly compositeAlarm: CompositeAlarmDefinition,
    private readonly warningAlarms: readonly CompositeAlarmDefinition[] = [],
  ) {
    for (const c of [compositeAlarm, ...warningAlarms]) {
      const missing = ruleAlarms(c.rule).filter((id) => !alarms.some((a) => a.logicalId === id));
      if (missing.length > 0) {
        throw new Error(`the rule of ${c.logicalId} refers to alarms the monitor was not given: ${missing.join(', ')}`);
      }
    }
    this.sources = new Map(alarms.map((a) => [a.logicalId, source(a, metricFilters, signals)]));
  }

  /** The longest time any alarm looks back (ms), for the warm-up and for forgetting old signals. */
  public get horizonMs(): number {
    return Math.max(...this.alarms.map((a) => a.periodSeconds * 1000 * (a.evaluationPeriods + 1)));
  }

  public evaluate(now: number): MonitorResult {
    const alarming: string[] = [];
    for (const alarm of this.alarms) {
      const state = evaluateAlarm(alarm, this.sources.get(alarm.logicalId)!, now, this.states.get(alarm.logicalId) ?? 'OK');
      this.states.set(alarm.logicalId, state);
      if (state === 'ALARM') {
        alarming.push(shortName(alarm.logicalId));
      }
    }
    const state = (id: string) => this.states.get(id) ?? 'OK';
    const composite: AlarmStateValue = evaluateRule(this.compositeAlarm.rule, state);
    const changed = composite !== this.composite;
    this.composite = composite;
    const warnings = this.warningAlarms.map((w) => {
      const current: AlarmStateValue = evaluateRule(w.rule, state);
      const before = this.warningStates.get(w.logicalId) ?? 'OK';
      this.warningStates.set(w.logicalId, current);
      return { logicalId: w.logicalId, state: current, changed: current !== before };
    });
    return { composite, changed, alarming, warnings };
  }
}

/** An alarm's datapoints: its metric's, or its metric-math expression's over its metrics. */
export function source(alarm: AlarmDefinition, metricFilters: MetricFilterDefinition[], signals: SignalStore): Datapoints {
  if (alarm.expression) {
    const { ast, metrics } = alarm.expression;
    const inputs = new Map(Object.entries(metrics).map(([id, m]) => [id, metricSource(m, metricFilters, signals)]));
    return (start, end) => evaluateExpression(ast, (id) => inputs.get(id)!(start, end));
  }
  return metricSource(alarm.metric, metricFilters, signals);
}

function metricSource(metric: MetricRef, metricFilters: MetricFilterDefinition[], signals: SignalStore): Datapoints {
  const filter = metricFilters.find((f) => f.namespace === metric.namespace && f.metricName === metric.metricName);
  if (filter) {
    return signals.filterDatapoints(compileFilterPattern(filter.filterPattern));
  }
  return signals.metricDatapoints(metric.metricName, metric.statistic);
}

/** `GuardOffsetCommitAlarm1A2B3C4D` -> `OffsetCommit`. */
export function shortName(logicalId: string): string {
  return logicalId.replace(/^Guard/, '').replace(/[0-9A-F]{8}$/, '').replace(/Alarm$/, '').replace(/^TaskHealth/, '');
}
