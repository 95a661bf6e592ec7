import { ServiceError } from './wire';

/** DynamoDB JSON attribute value (exactly one key). */
export type AttributeValue =
  | { S: string } | { N: string } | { B: string } | { BOOL: boolean } | { NULL: true }
  | { M: Record<string, AttributeValue> } | { L: AttributeValue[] }
  | { SS: string[] } | { NS: string[] } | { BS: string[] };

export type Item = Record<string, AttributeValue>;

/**
 * A deliberately small ConditionExpression language: OR / AND / NOT / parentheses over
 * `attribute_exists(a)`, `attribute_not_exists(a)`, `a = :v`, `a <> :v`, where `a` is a top-level attribute
 * (bare name or #placeholder). This covers the forms the recovery lock uses, e.g.
 * `attribute_not_exists(#pk) OR #v = :v`. Anything else is rejected with ValidationException so an unsupported
 * expression never silently evaluates wrong.
 */
export type Condition =
  | { kind: 'or' | 'and'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'exists' | 'not_exists'; attribute: string }
  | { kind: 'compare'; op: '=' | '<>'; attribute: string; value: AttributeValue };

/** Context for resolving placeholders; records which ones were used so unused ones can be reported. */
export class ExpressionContext {
  public readonly usedNames = new Set<string>();
  public readonly usedValues = new Set<string>();

  constructor(
    private readonly names: Record<string, string> | undefined,
    private readonly values: Record<string, AttributeValue> | undefined,
  ) {}

  public name(token: string): string {
    if (!token.startsWith('#')) {
      if (RESERVED.has(token.toUpperCase())) {
        throw validation(`Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: ${token}`);
      }
      return token;
    }
    const resolved = this.names?.[token];
    if (resolved === undefined) {
      throw validation(`Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    }
    this.usedNames.add(token);
    return resolved;
  }

  public value(token: string): AttributeValue {
    const resolved = this.values?.[token];
    if (resolved === undefined) {
      throw validation(`Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: ${token}`);
    }
    this.usedValues.add(token);
    return resolved;
  }

  /** Real DynamoDB rejects placeholders that no expression uses. */
  public assertAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter(n => !this.usedNames.has(n));
    if (unusedNames.length > 0) {
      throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    }
    const unusedValues = Object.keys(this.values ?? {}).filter(v => !this.usedValues.has(v));
    if (unusedValues.length > 0) {
      throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
    }
  }
}

/** A subset of DynamoDB's reserved words (the full list has ~570); bare use of these is rejected as the service does. */
const RESERVED = new Set([
  'ALL', 'AND', 'BY', 'COUNT', 'DATA', 'DATE', 'DELETE', 'FROM', 'GROUP', 'HASH', 'IN', 'INDEX', 'KEY', 'KEYS', 'LIMIT',
  'LOCK', 'NAME', 'NOT', 'NULL', 'OR', 'ORDER', 'OWNER', 'RANGE', 'SELECT', 'SET', 'SIZE', 'STATE', 'STATUS', 'TABLE',
  'TIME', 'TIMESTAMP', 'TOKEN', 'TTL', 'TYPE', 'UPDATE', 'USER', 'VALUE', 'VALUES', 'VERSION', 'WHERE', 'YEAR',
]);

export function validation(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

const TOKEN = /\s*(?:(\()|(\))|(<>|=)|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;

interface Token {
  readonly type: '(' | ')' | 'op' | 'name' | 'value' | 'word';
  readonly text: string;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const m = TOKEN.exec(expression);
    if (!m) {
      break; // only trailing whitespace left
    }
    if (m[1]) tokens.push({ type: '(', text: m[1] });
    else if (m[2]) tokens.push({ type: ')', text: m[2] });
    else if (m[3]) tokens.push({ type: 'op', text: m[3] });
    else if (m[4]) tokens.push({ type: 'name', text: m[4] });
    else if (m[5]) tokens.push({ type: 'value', text: m[5] });
    else if (m[6]) tokens.push({ type: 'word', text: m[6] });
    else throw validation(`Invalid ConditionExpression: Syntax error; token: "${m[7]}"`);
  }
  return tokens;
}

/** Parses a ConditionExpression, resolving placeholders through `ctx`. */
export function parseCondition(expression: string, ctx: ExpressionContext): Condition {
  const tokens = tokenize(expression);
  if (tokens.length === 0) {
    throw validation('Invalid ConditionExpression: The expression can not be empty;');
  }
  let pos = 0;
  const peekWord = (word: string): boolean => tokens[pos]?.type === 'word' && tokens[pos].text.toUpperCase() === word;
  const unsupported = (): never => {
    const at = tokens[pos]?.text ?? '<end>';
    throw validation(`Invalid ConditionExpression: unsupported or malformed expression near "${at}" `
      + '(the emulator supports OR/AND/NOT of attribute_exists(a), attribute_not_exists(a), a = :v, a <> :v)');
  };
  const expect = (type: Token['type']): Token => {
    const t = tokens[pos];
    if (t?.type !== type) {
      unsupported();
    }
    pos++;
    return t;
  };
  const attribute = (): string => {
    const t = tokens[pos];
    if (t?.type !== 'name' && t?.type !== 'word') {
      unsupported();
    }
    pos++;
    return ctx.name(t.text);
  };

  const primary = (): Condition => {
    if (tokens[pos]?.type === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    const fn = tokens[pos]?.type === 'word' ? tokens[pos].text : undefined;
    if ((fn === 'attribute_exists' || fn === 'attribute_not_exists') && tokens[pos + 1]?.type === '(') {
      pos += 2;
      const attr = attribute();
      expect(')');
      return { kind: fn === 'attribute_exists' ? 'exists' : 'not_exists', attribute: attr };
    }
    const attr = attribute();
    const op = expect('op').text as '=' | '<>';
    const value = ctx.value(expect('value').text);
    return { kind: 'compare', op, attribute: attr, value };
  };
  const not = (): Condition => {
    if (peekWord('NOT')) {
      pos++;
      return { kind: 'not', operand: not() };
    }
    return primary();
  };
  const and = (): Condition => {
    let left = not();
    while (peekWord('AND')) {
      pos++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (peekWord('OR')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const result = or();
  if (pos !== tokens.length) {
    unsupported();
  }
  return result;
}

/** Evaluates a condition against the current item (undefined when the item does not exist). */
export function evaluate(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.operand, item);
    case 'exists':
      return item?.[condition.attribute] !== undefined;
    case 'not_exists':
      return item?.[condition.attribute] === undefined;
    case 'compare': {
      const actual = item?.[condition.attribute];
      if (actual === undefined) {
        return false; // comparisons with a missing attribute are false for both = and <>
      }
      const same = attributeEquals(actual, condition.value);
      return condition.op === '=' ? same : !same;
    }
  }
}

/** DynamoDB equality: same type, numbers compared numerically, sets compared as sets. */
export function attributeEquals(a: AttributeValue, b: AttributeValue): boolean {
  const [typeA, valueA] = Object.entries(a)[0] as [string, unknown];
  const [typeB, valueB] = Object.entries(b)[0] as [string, unknown];
  if (typeA !== typeB) {
    return false;
  }
  switch (typeA) {
    case 'N':
      return Number(valueA) === Number(valueB);
    case 'SS':
    case 'BS':
      return sameSet(valueA as string[], valueB as string[], v => v);
    case 'NS':
      return sameSet(valueA as string[], valueB as string[], v => String(Number(v)));
    case 'M': {
      const ma = valueA as Record<string, AttributeValue>;
      const mb = valueB as Record<string, AttributeValue>;
      const keys = Object.keys(ma);
      return keys.length === Object.keys(mb).length && keys.every(k => mb[k] !== undefined && attributeEquals(ma[k], mb[k]));
    }
    case 'L': {
      const la = valueA as AttributeValue[];
      const lb = valueB as AttributeValue[];
      return la.length === lb.length && la.every((v, i) => attributeEquals(v, lb[i]));
    }
    default:
      return valueA === valueB;
  }
}

function sameSet(a: string[], b: string[], norm: (v: string) => string): boolean {
  const sa = new Set(a.map(norm));
  return sa.size === new Set(b.map(norm)).size && b.every(v => sa.has(norm(v)));
}
