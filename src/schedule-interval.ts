import { Token } from 'aws-cdk-lib';

const DAY_MINUTES = 24 * 60;

/**
 * The shortest time, in seconds, between two firings of an EventBridge schedule expression: the
 * recovery function accepts at most one scheduled restart per such interval, so that an invocation
 * forged with the schedule's input cannot restart the connector more often than the schedule does.
 *
 * A `rate(...)` gives its rate. A `cron(...)` gives the shortest gap between its firings within a day,
 * the gap over midnight included; its day fields only remove firings (which lengthens gaps), so this
 * is a lower bound, never a refusal of a firing the schedule makes. A weekly cron counts as daily.
 * An expression it cannot read (a token, a field it does not parse) gives 60 s, EventBridge's finest.
 */
export function shortestScheduleInterval(expression: string): number {
  if (Token.isUnresolved(expression)) {
    return 60;
  }
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const unit = { minute: 60, hour: 3600, day: 86_400 }[rate[2] as 'minute' | 'hour' | 'day'];
    return Math.max(1, Number(rate[1])) * unit;
  }
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1].trim().split(/\s+/);
  const minutes = fields ? cronValues(fields[0], 0, 59) : undefined;
  const hours = fields ? cronValues(fields[1], 0, 23) : undefined;
  if (!minutes || !hours || minutes.length === 0 || hours.length === 0) {
    return 60;
  }
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  gaps.push(DAY_MINUTES - times[times.length - 1] + times[0]);
  return Math.min(...gaps) * 60;
}

/** The values a cron minutes or hours field selects (`*`, `n`, `a-b`, steps `x/n`, lists), or undefined when it is not one of those. */
function cronValues(field: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return undefined;
    }
    const [from, to] = match[1] === '*' ? [min, max] : match[1].split('-').map(Number);
    const step = match[2] === undefined ? 1 : Number(match[2]);
    // A bare `a/n` runs from a to the end of the range.
    const end = to ?? (match[2] === undefined ? from : max);
    if (step < 1 || from < min || end > max) {
      return undefined;
    }
    for (let v = from; v <= end; v += step) {
      values.add(v);
    }
  }
  return [...values];
}
