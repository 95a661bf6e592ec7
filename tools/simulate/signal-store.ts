import type { Datapoints } from './alarm-evaluator';

/**
 * What CloudWatch would hold: worker log events (for metric filters) and metric samples, with
 * their simulated timestamps. The monitor reads only this; it never looks at the connector.
 */
export class SignalStore {
  private readonly logs: { time: number; message: string }[] = [];
  private readonly samples = new Map<string, { time: number; value: number }[]>();

  public log(time: number, message: string): void {
    this.logs.push({ time, message });
  }

  public sample(metric: string, time: number, value: number): void {
    const list = this.samples.get(metric) ?? [];
    list.push({ time, value });
    this.samples.set(metric, list);
  }

  /** Datapoints of a metric filter: the count of matching events per period, missing when none matched. */
  public filterDatapoints(matches: (message: string) => boolean): Datapoints {
    return (start, end) => {
      const n = this.logs.filter((e) => e.time >= start && e.time < end && matches(e.message)).length;
      return n > 0 ? n : undefined;
    };
  }

  /** Datapoints of a metric with a statistic, missing when nothing was published in the period. */
  public metricDatapoints(metric: string, statistic: string): Datapoints {
    return (start, end) => {
      const values = (this.samples.get(metric) ?? []).filter((s) => s.time >= start && s.time < end).map((s) => s.value);
      if (values.length === 0) {
        return undefined;
      }
      switch (statistic) {
        case 'Minimum': return Math.min(...values);
        case 'Maximum': return Math.max(...values);
        case 'Sum': return values.reduce((a, b) => a + b, 0);
        default: return values.reduce((a, b) => a + b, 0) / values.length;
      }
    };
  }

  /** Drops what no alarm can look at any more, so long runs stay fast. */
  public forgetBefore(time: number): void {
    const keep = (list: { time: number }[]) => list.filter((e) => e.time >= time);
    this.logs.splice(0, this.logs.length, ...keep(this.logs) as { time: number; message: string }[]);
    for (const [k, list] of this.samples) {
      this.samples.set(k, keep(list) as { time: number; value: number }[]);
    }
  }
}
