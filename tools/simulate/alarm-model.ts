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
  /** The metric the alarm reads (with a metric-math expression over several: the first of them). */
  readonly metric: MetricRef;
  /** The value that replaces a missing datapoint (`FILL(m, v)`), when the alarm reads such an expression. */
  readonly fill?: number;
  /**
   * A metric-math expression over several metrics (anything but a lone `FILL(m, v)`), with the
   * metrics it reads by ID; evaluate it per period with `evaluateExpression`.
   */
  readonly expression?: { readonly text: string; readonly ast: Expression; readonly metrics: Readonly<Record<string, MetricRef>> };
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: MissingData;
}

/** A composite alarm's rule, with each `ALARM(...)` term mapped to the child alarm's logical ID. */
export type AlarmRule =
  | { readonly kind: 'alarm'; readonly logicalId: string }
  | { readonly kind: 'not'; readonly operand: AlarmRule }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly AlarmRule[] };

export interface CompositeAlarmDefinition {
  readonly logicalId: string;
  /** The rule as CloudWatch would read it, with `<LogicalId>` in place of each child alarm's ARN (for messages). */
  readonly text: string;
  readonly rule: AlarmRule;
}

export interface MetricFilterDefinition {
  readonly filterPattern: string;
  readonly namespace: string;
  readonly metricName: string;
}

/** Reads every metric alarm, composite alarm and metric filter of a synthesized template (`Template.toJSON()`). */
export function readTemplate(template: { Resources: Record<string, { Type: string; Properties: any }> }): {
  alarms: AlarmDefinition[];
  composites: CompositeAlarmDefinition[];
  metricFilters: MetricFilterDefinition[];
} {
  const alarms: AlarmDefinition[] = [];
  const composites: CompositeAlarmDefinition[] = [];
  const metricFilters: MetricFilterDefinition[] = [];
  const alarmIds = new Set(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([id]) => id));
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::Logs::MetricFilter') {
      const t = p.MetricTransformations[0];
      metricFilters.push({ filterPattern: p.FilterPattern, namespace: t.MetricNamespace, metricName: t.MetricName });
    }
    if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') {
      const parts = ruleParts(p.AlarmRule, logicalId);
      const rule = parseAlarmRule(parts, logicalId);
      for (const id of ruleAlarms(rule)) {
        if (!alarmIds.has(id)) {
          throw new Error(`composite alarm ${logicalId}: its rule refers to ${id}, which is not a metric alarm of the template`);
        }
      }
      composites.push({ logicalId, text: parts.map((x) => (typeof x === 'string' ? x : `<${x.ref}>`)).join(''), rule });
    }
    if (resource.Type !== 'AWS::CloudWatch::Alarm') {
      continue;
    }
    let metric: MetricRef;
    let periodSeconds: number;
    let fill: number | undefined;
    let expression: AlarmDefinition['expression'];
    if (p.Metrics) {
      const stats = (p.Metrics as any[]).filter((m) => m.MetricStat);
      const stat = stats[0];
      const text = p.Metrics.find((m: any) => m.Expression)?.Expression as string | undefined;
      const fillMatch = text ? /^FILL\(\s*\w+\s*,\s*(-?[\d.]+)\s*\)$/.exec(text) : null;
      metric = { namespace: stat.MetricStat.Metric.Namespace, metricName: stat.MetricStat.Metric.MetricName, statistic: stat.MetricStat.Stat };
      periodSeconds = stat.MetricStat.Period;
      if (fillMatch && stats.length === 1) {
        fill = Number(fillMatch[1]);
      } else if (text) {
        const metrics: Record<string, MetricRef> = {};
        for (const m of stats) {
          if (m.MetricStat.Period !== periodSeconds) {
            throw new Error(`alarm ${logicalId}: the metrics of its expression have different periods`);
          }
          metrics[m.Id] = { namespace: m.MetricStat.Metric.Namespace, metricName: m.MetricStat.Metric.MetricName, statistic: m.MetricStat.Stat };
        }
        let ast: Expression;
        try {
          ast = parseExpression(text);
        } catch (err) {
          throw new Error(`the simulation cannot evaluate the expression "${text}" of alarm ${logicalId}: ${(err as Error).message}`);
        }
        const unknown = expressionIds(ast).filter((id) => !(id in metrics));
        if (unknown.length > 0) {
          throw new Error(`the simulation cannot evaluate the expression "${text}" of alarm ${logicalId}: it reads ${unknown.join(', ')}, which it does not define`);
        }
        expression = { text, ast, metrics };
      }
    } else {
      metric = { namespace: p.Namespace, metricName: p.MetricName, statistic: p.Statistic ?? p.ExtendedStatistic };
      periodSeconds = p.Period;
    }
    alarms.push({
      logicalId,
      metric,
      fill,
      expression,
      periodSeconds,
      evaluationPeriods: p.EvaluationPeriods,
      datapointsToAlarm: p.DatapointsToAlarm ?? p.EvaluationPeriods,
      threshold: p.Threshold,
      comparison: p.ComparisonOperator,
      treatMissingData: p.TreatMissingData ?? 'missing',
    });
  }
  return { alarms, composites, metricFilters };
}

/** A piece of a rule: literal text, or a reference to a resource of the template (its ARN or name). */
export type RulePart = string | { readonly ref: string };

/** Flattens an AlarmRule (a string, or `Fn::Join` of strings and `Fn::GetAtt [id, Arn]` / `Ref id`) into parts. */
function ruleParts(value: unknown, composite: string): RulePart[] {
  if (typeof value === 'string') {
    return [value];
  }
  const v = value as Record<string, any> | undefined;
  if (v && Array.isArray(v['Fn::Join']) && v['Fn::Join'].length === 2 && Array.isArray(v['Fn::Join'][1])) {
    const [separator, items] = v['Fn::Join'] as [string, unknown[]];
    const out: RulePart[] = [];
    items.forEach((item, n) => {
      if (n > 0 && separator !== '') {
        out.push(separator);
      }
      out.push(...ruleParts(item, composite));
    });
    return out;
  }
  if (v && Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'][1] === 'Arn' && typeof v['Fn::GetAtt'][0] === 'string') {
    return [{ ref: v['Fn::GetAtt'][0] }];
  }
  if (v && typeof v.Ref === 'string') {
    return [{ ref: v.Ref }];
  }
  throw new Error(`composite alarm ${composite}: the simulation cannot read the AlarmRule part ${JSON.stringify(value)}`);
}

/**
 * Parses a composite alarm rule: `ALARM("<child>")` terms combined with `NOT`, `AND`, `OR` and
 * parentheses (NOT binds tightest, then AND, then OR). `OK()`, `INSUFFICIENT_DATA()`, `TRUE`, `FALSE`,
 * `AT_LEAST` and alarms that are not in the template are not modelled: they throw.
 */
export function parseAlarmRule(parts: string | readonly RulePart[], composite = 'composite alarm'): AlarmRule {
  type Token = { kind: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { kind: 'ALARM'; logicalId: string };
  const list = typeof parts === 'string' ? [parts] : parts;
  const text = list.map((x) => (typeof x === 'string' ? x : `<${x.ref}>`)).join('');
  const fail = (why: string): never => {
    throw new Error(`composite alarm ${composite}: the simulation cannot evaluate the rule ${JSON.stringify(text)}: ${why}`);
  };
  // Tokenize the literal text; a reference is only allowed as the argument of ALARM(...).
  const tokens: Token[] = [];
  let pendingAlarm: 'open' | 'quoted' | 'ref' | 'close-quote' | undefined;
  let ref: string | undefined;
  for (const part of list) {
    if (typeof part !== 'string') {
      if (pendingAlarm !== 'quoted' && pendingAlarm !== 'open') {
        fail(`a reference to ${part.ref} outside ALARM(...)`);
      }
      ref = part.ref;
      pendingAlarm = pendingAlarm === 'quoted' ? 'close-quote' : 'ref';
      continue;
    }
    let i = 0;
    while (i < part.length) {
      const rest = part.slice(i);
      if (pendingAlarm !== undefined) {
        // Inside ALARM( ... ): an opening quote, the reference, a closing quote, then ')'.
        if (pendingAlarm === 'open' && rest.startsWith('"')) {
          pendingAlarm = 'quoted';
          i += 1;
        } else if (pendingAlarm === 'close-quote' && rest.startsWith('"')) {
          pendingAlarm = 'ref';
          i += 1;
        } else if (pendingAlarm === 'ref' && /^\s*\)/.test(rest)) {
          tokens.push({ kind: 'ALARM', logicalId: ref! });
          pendingAlarm = undefined;
          ref = undefined;
          i += /^\s*\)/.exec(rest)![0].length;
        } else {
          fail('ALARM(...) must name an alarm of the template (its ARN as Fn::GetAtt, or Ref)');
        }
        continue;
      }
      const m = /^(\s+|\(|\)|AND\b|OR\b|NOT\b|ALARM\s*\(\s*)/.exec(rest);
      if (!m) {
        const word = /^[A-Za-z_]+/.exec(rest)?.[0] ?? rest[0];
        fail(`${JSON.stringify(word)} is not modelled (only ALARM(...), NOT, AND, OR and parentheses are)`);
      }
      const t = m![1];
      if (t.startsWith('ALARM')) {
        pendingAlarm = 'open';
      } else if (t.trim() !== '') {
        tokens.push({ kind: t as '(' | ')' | 'AND' | 'OR' | 'NOT' });
      }
      i += t.length;
    }
  }
  if (pendingAlarm !== undefined) {
    fail('an unfinished ALARM(...)');
  }
  // Recursive descent: or := and (OR and)*; and := primary (AND primary)*; primary := NOT primary | ALARM | ( or ).
  let pos = 0;
  const parseOr = (): AlarmRule => {
    const operands = [parseAnd()];
    while (tokens[pos]?.kind === 'OR') {
      pos += 1;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  };
  const parseAnd = (): AlarmRule => {
    const operands = [parsePrimary()];
    while (tokens[pos]?.kind === 'AND') {
      pos += 1;
      operands.push(parsePrimary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  };
  const parsePrimary = (): AlarmRule => {
    const token = tokens[pos];
    if (token?.kind === 'NOT') {
      pos += 1;
      return { kind: 'not', operand: parsePrimary() };
    }
    if (token?.kind === 'ALARM') {
      pos += 1;
      return { kind: 'alarm', logicalId: token.logicalId };
    }
    if (token?.kind === '(') {
      pos += 1;
      const inner = parseOr();
      if (tokens[pos]?.kind !== ')') {
        fail('a missing closing parenthesis');
      }
      pos += 1;
      return inner;
    }
    return fail(token ? `unexpected ${token.kind}` : 'it ends where a term is expected');
  };
  const rule = parseOr();
  if (pos < tokens.length) {
    fail(`unexpected ${tokens[pos].kind}`);
  }
  return rule;
}

/** The logical IDs of the alarms a rule refers to, in order of first appearance. */
export function ruleAlarms(rule: AlarmRule): string[] {
  if (rule.kind === 'alarm') {
    return [rule.logicalId];
  }
  if (rule.kind === 'not') {
    return ruleAlarms(rule.operand);
  }
  return [...new Set(rule.operands.flatMap(ruleAlarms))];
}

/**
 * A composite alarm's state: ALARM when its rule holds, with `ALARM(x)` true iff x is in ALARM
 * (so `NOT ALARM(x)` holds for OK and INSUFFICIENT_DATA alike, as in CloudWatch); else OK.
 */
export function evaluateRule(rule: AlarmRule, state: (logicalId: string) => string): 'ALARM' | 'OK' {
  const holds = (r: AlarmRule): boolean => {
    switch (r.kind) {
      case 'alarm': return state(r.logicalId) === 'ALARM';
      case 'not': return !holds(r.operand);
      case 'and': return r.operands.every(holds);
      case 'or': return r.operands.some(holds);
    }
  };
  return holds(rule) ? 'ALARM' : 'OK';
}

/** Metric math's comparison operators (each gives 1 or 0). */
type ComparisonOperator = '>' | '<' | '>=' | '<=' | '==' | '!=';
const COMPARISONS: readonly string[] = ['>', '<', '>=', '<=', '==', '!='];

/**
 * A metric-math expression as far as the guard uses them: numbers, metric IDs, `+ - * /`,
 * comparisons, `AND`, `OR`, parentheses, `FILL(expression, number)` and `IF(condition, then, else)`.
 * Any other function throws when parsed.
 */
export type Expression =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'metric'; readonly id: string }
  | { readonly kind: 'fill'; readonly operand: Expression; readonly value: number }
  | { readonly kind: 'if'; readonly condition: Expression; readonly then: Expression; readonly otherwise: Expression }
  | { readonly kind: '+' | '-' | '*' | '/' | ComparisonOperator | 'AND' | 'OR'; readonly left: Expression; readonly right: Expression };

/** Parses a metric-math expression (see `Expression`). */
export function parseExpression(text: string): Expression {
  const tokens = text.match(/\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|>=|<=|==|!=|[-+*/(),<>]|./g) ?? [];
  const list = tokens.filter((t) => t.trim() !== '');
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(why);
  };
  const expect = (t: string) => {
    if (list[pos] !== t) {
      fail(`expected ${JSON.stringify(t)}, got ${list[pos] === undefined ? 'the end' : JSON.stringify(list[pos])}`);
    }
    pos += 1;
  };
  // Precedence, loosest first: OR, AND, comparisons, + -, * /.
  const parseOr = (): Expression => {
    let left = parseAnd();
    while (list[pos] === 'OR') {
      pos += 1;
      left = { kind: 'OR', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expression => {
    let left = parseComparison();
    while (list[pos] === 'AND') {
      pos += 1;
      left = { kind: 'AND', left, right: parseComparison() };
    }
    return left;
  };
  const parseComparison = (): Expression => {
    const left = parseSum();
    if (COMPARISONS.includes(list[pos])) {
      const kind = list[pos++] as ComparisonOperator;
      return { kind, left, right: parseSum() };
    }
    return left;
  };
  const parseSum = (): Expression => {
    let left = parseProduct();
    while (list[pos] === '+' || list[pos] === '-') {
      const kind = list[pos++] as '+' | '-';
      left = { kind, left, right: parseProduct() };
    }
    return left;
  };
  const parseProduct = (): Expression => {
    let left = parseFactor();
    while (list[pos] === '*' || list[pos] === '/') {
      const kind = list[pos++] as '*' | '/';
      left = { kind, left, right: parseFactor() };
    }
    return left;
  };
  const parseFactor = (): Expression => {
    const t = list[pos];
    if (t === undefined) {
      return fail('it ends where a term is expected');
    }
    if (t === '(') {
      pos += 1;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (t === '-') {
      pos += 1;
      return { kind: '-', left: { kind: 'number', value: 0 }, right: parseFactor() };
    }
    if (/^\d/.test(t)) {
      pos += 1;
      return { kind: 'number', value: Number(t) };
    }
    if (/^[A-Za-z_]/.test(t)) {
      pos += 1;
      if (list[pos] !== '(') {
        return { kind: 'metric', id: t };
      }
      if (t === 'IF') {
        pos += 1;
        const condition = parseOr();
        expect(',');
        const then = parseOr();
        expect(',');
        const otherwise = parseOr();
        expect(')');
        return { kind: 'if', condition, then, otherwise };
      }
      if (t !== 'FILL') {
        return fail(`the function ${t} is not modelled (only FILL and IF are)`);
      }
      pos += 1;
      const operand = parseSum();
      expect(',');
      const negative = list[pos] === '-' ? (pos += 1, -1) : 1;
      const value = Number(list[pos]);
      if (!Number.isFinite(value)) {
        return fail(`FILL takes a number as its fill value, got ${JSON.stringify(list[pos])}`);
      }
      pos += 1;
      expect(')');
      return { kind: 'fill', operand, value: negative * value };
    }
    return fail(`unexpected ${JSON.stringify(t)}`);
  };
  const ast = parseOr();
  if (pos < list.length) {
    fail(`unexpected ${JSON.stringify(list[pos])}`);
  }
  return ast;
}

/** The metric IDs an expression reads. */
export function expressionIds(e: Expression): string[] {
  switch (e.kind) {
    case 'number': return [];
    case 'metric': return [e.id];
    case 'fill': return expressionIds(e.operand);
    case 'if': return [...new Set([e.condition, e.then, e.otherwise].flatMap(expressionIds))];
    default: return [...new Set([...expressionIds(e.left), ...expressionIds(e.right)])];
  }
}

/**
 * One period's value of an expression from its metrics' values (undefined = no datapoint). As in
 * CloudWatch, arithmetic with a missing value is missing; `FILL` replaces a missing value.
 */
export function evaluateExpression(e: Expression, value: (id: string) => number | undefined): number | undefined {
  switch (e.kind) {
    case 'number': return e.value;
    case 'metric': return value(e.id);
    case 'fill': return evaluateExpression(e.operand, value) ?? e.value;
    case 'if': {
      const condition = evaluateExpression(e.condition, value);
      return condition === undefined ? undefined : evaluateExpression(condition !== 0 ? e.then : e.otherwise, value);
    }
    default: {
      const l = evaluateExpression(e.left, value);
      const r = evaluateExpression(e.right, value);
      if (l === undefined || r === undefined) {
        return undefined;
      }
      switch (e.kind) {
        case '+': return l + r;
        case '-': return l - r;
        case '*': return l * r;
        case '/': return r === 0 ? undefined : l / r;
        case '>': return Number(l > r);
        case '<': return Number(l < r);
        case '>=': return Number(l >= r);
        case '<=': return Number(l <= r);
        case '==': return Number(l === r);
        case '!=': return Number(l !== r);
        case 'AND': return Number(l !== 0 && r !== 0);
        case 'OR': return Number(l !== 0 || r !== 0);
      }
    }
  }
}
