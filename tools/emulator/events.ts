import {
  AWS_JSON_1_1, awsJsonError, awsJsonRun, Call, HttpResult, isRecord, parseJsonObject, RawRequest, ServiceError, ServiceHandler, targetOperation,
  unknownTarget,
} from './wire';

const TARGET_PREFIX = 'AWSEvents.';
/** The most names ListRuleNamesByTarget (and targets ListTargetsByRule) returns per page without a smaller Limit. */
const MAX_PAGE = 100;

/** A rule on the default event bus, as PutRule and PutTargets would leave it. */
export interface RuleSettings {
  readonly state?: 'ENABLED' | 'DISABLED';
  readonly scheduleExpression?: string;
  /** The event pattern, as JSON text. */
  readonly eventPattern?: string;
  readonly targets?: readonly RuleTargetSettings[];
}

/** One target of a rule, with the fields the recovery function reads. */
export interface RuleTargetSettings {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
}

interface Rule {
  readonly name: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly scheduleExpression?: string;
  readonly eventPattern?: string;
  readonly targets: readonly RuleTargetSettings[];
}

/** EventBridge rules on the default event bus: what the drill reads of the rules that target the function. */
export class EventsModel {
  private readonly rules = new Map<string, Rule>();

  constructor(private readonly region: string, private readonly account: string) {}

  /** Creates or replaces a rule (its targets included). */
  public putRule(name: string, settings: RuleSettings): void {
    this.rules.set(name, {
      name,
      state: settings.state ?? 'ENABLED',
      ...(settings.scheduleExpression !== undefined ? { scheduleExpression: settings.scheduleExpression } : {}),
      ...(settings.eventPattern !== undefined ? { eventPattern: settings.eventPattern } : {}),
      targets: settings.targets ?? [],
    });
  }

  /** Enables or disables a rule, as EnableRule and DisableRule do. */
  public setRuleState(name: string, state: 'ENABLED' | 'DISABLED'): void {
    this.putRule(name, { ...this.rule(name), state });
  }

  public deleteRule(name: string): boolean {
    return this.rules.delete(name);
  }

  /** @internal */
  public listRuleNamesByTarget(body: Record<string, unknown>): unknown {
    const targetArn = body.TargetArn;
    if (typeof targetArn !== 'string' || targetArn.length === 0) {
      throw validation('1 validation error detected: Value null at \'targetArn\' failed to satisfy constraint: Member must not be null');
    }
    onDefaultBus(body.EventBusName);
    const names = [...this.rules.values()].filter((r) => r.targets.some((t) => t.arn === targetArn)).map((r) => r.name).sort();
    const { page, nextToken } = paged(names, body);
    return { RuleNames: page, ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  /** @internal */
  public describeRule(body: Record<string, unknown>): unknown {
    onDefaultBus(body.EventBusName);
    const rule = this.rule(body.Name);
    return {
      Name: rule.name,
      Arn: `arn:aws:events:${this.region}:${this.account}:rule/${rule.name}`,
      State: rule.state,
      EventBusName: 'default',
      ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
      ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    };
  }

  /** @internal */
  public listTargetsByRule(body: Record<string, unknown>): unknown {
    onDefaultBus(body.EventBusName);
    const rule = this.rule(body.Rule);
    const { page, nextToken } = paged(rule.targets, body);
    return {
      Targets: page.map((t) => ({
        Id: t.id, Arn: t.arn, ...(t.input !== undefined ? { Input: t.input } : {}), ...(t.inputPath !== undefined ? { InputPath: t.inputPath } : {}),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private rule(name: unknown): Rule {
    if (typeof name !== 'string' || name.length === 0) {
      throw validation('1 validation error detected: Value null at \'name\' failed to satisfy constraint: Member must not be null');
    }
    const rule = this.rules.get(name);
    if (!rule) {
      throw new ServiceError(400, 'ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`);
    }
    return rule;
  }
}

/** The emulator models the default event bus only (by name or ARN); another is refused rather than answered as if it were empty. */
function onDefaultBus(eventBusName: unknown): void {
  const named = typeof eventBusName === 'string' ? eventBusName.replace(/^arn:aws[\w-]*:events:[^:]+:\d{12}:event-bus\//, '') : eventBusName;
  if (named !== undefined && named !== 'default') {
    throw new ServiceError(400, 'ResourceNotFoundException', `Event bus ${String(eventBusName)} does not exist (the emulator models the default bus only).`);
  }
}

/** One page of `items` from `NextToken` (an offset), at most `Limit` (1..100) long. */
function paged<T>(items: readonly T[], body: Record<string, unknown>): { page: T[]; nextToken?: string } {
  const limit = body.Limit ?? MAX_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw validation(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const start = body.NextToken === undefined ? 0 : Number(body.NextToken);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    // What the API reference documents for a token it no longer (or never did) hand out.
    throw new ServiceError(400, 'InvalidToken', 'The NextToken provided is invalid.');
  }
  const end = start + limit;
  return { page: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

function validation(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

/** EventBridge over awsJson1_1 (`x-amz-target: AWSEvents.<Operation>`). */
export class EventsHandler implements ServiceHandler {
  constructor(private readonly model: EventsModel) {}

  public decode(req: RawRequest): Call {
    const operation = targetOperation(req, TARGET_PREFIX);
    const body = parseJsonObject(req.body);
    const answer = (run: (b: Record<string, unknown>) => unknown) =>
      awsJsonRun(body, 'Start of structure or map found where not expected.', run, AWS_JSON_1_1);
    const name = (field: string): string | undefined => {
      const value = isRecord(body) ? body[field] : undefined;
      return typeof value === 'string' ? value : undefined;
    };
    if (req.method === 'POST' && operation === 'ListRuleNamesByTarget') {
      return { operation, params: { targetArn: name('TargetArn') }, run: answer((b) => this.model.listRuleNamesByTarget(b)) };
    }
    if (req.method === 'POST' && operation === 'DescribeRule') {
      return { operation, params: { rule: name('Name') }, run: answer((b) => this.model.describeRule(b)) };
    }
    if (req.method === 'POST' && operation === 'ListTargetsByRule') {
      return { operation, params: { rule: name('Rule') }, run: answer((b) => this.model.listTargetsByRule(b)) };
    }
    return unknownTarget(req, operation);
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    return awsJsonError(err, requestId, err.code, { 'content-type': AWS_JSON_1_1 });
  }

  public throttlingError(code: string = 'ThrottlingException'): ServiceError {
    return new ServiceError(400, code, 'Rate exceeded');
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailableException', 'Service unavailable')
      : new ServiceError(500, 'InternalException', 'Internal error');
  }
}
