import type { Clock } from './clock';
import { awsJsonError, awsJsonRun, Call, epochSeconds, HttpResult, parseJsonObject, RawRequest, ServiceError, ServiceHandler, unknownTarget, targetOperation } from './wire';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Settings for `setAlarm`; omitted fields keep their current value (or the default for a new alarm). */
export interface AlarmSettings {
  readonly state?: AlarmState;
  readonly actionsEnabled?: boolean;
  /** Default 'metric'. */
  readonly type?: 'composite' | 'metric';
  readonly reason?: string;
  /** AlarmRule of a composite alarm. */
  readonly rule?: string;
  /** StateReasonData, e.g. a composite's `{"triggeringAlarms":[...]}`; cleared by a state change that does not set it. */
  readonly reasonData?: string;
  /** The alarm's tags (what ListTagsForResource answers); replaces all of them. */
  readonly tags?: Record<string, string>;
}

/** A snapshot of an alarm. */
export interface AlarmInfo {
  readonly name: string;
  readonly arn: string;
  readonly type: 'composite' | 'metric';
  readonly state: AlarmState;
  readonly reason: string;
  readonly actionsEnabled: boolean;
  readonly stateUpdatedAt: number;
  readonly rule?: string;
  readonly reasonData?: string;
  readonly tags: Record<string, string>;
}

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm', 'LogAlarm'];
const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** Query error code -> modelled shape name, for the `__type` of awsJson error bodies. */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
  InvalidParameterCombination: 'com.amazonaws.cloudwatch#InvalidParameterCombinationException',
  InvalidNextToken: 'com.amazonaws.cloudwatch#InvalidNextToken',
  MissingParameter: 'com.amazonaws.cloudwatch#MissingRequiredParameterException',
  InternalServiceError: 'com.amazonaws.cloudwatch#InternalServiceFault',
  Throttling: 'com.amazon.coral.availability#ThrottlingException',
  ServiceUnavailable: 'com.amazon.coral.availability#ServiceUnavailableException',
  SerializationException: 'com.amazon.coral.service#SerializationException',
  UnknownOperationException: 'com.amazon.coral.service#UnknownOperationException',
};

/** Errors raised by the protocol layer itself (not the service) carry no query-compatibility header. */
const CORAL_ERRORS = new Set(['SerializationException', 'UnknownOperationException']);

function invalidValue(message: string): ServiceError {
  return new ServiceError(400, 'InvalidParameterValue', message);
}

/** One published value of a metric (what PutMetricData or a metric filter would add). */
export interface MetricDatapoint {
  /** Emulator clock time (ms). */
  readonly at: number;
  readonly value: number;
}

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/**
 * CloudWatch alarms, set programmatically and read through DescribeAlarms and ListTagsForResource;
 * metrics (without dimensions), published programmatically and read through GetMetricStatistics.
 */
export class CloudWatchModel {
  private readonly alarms = new Map<string, AlarmInfo>();
  private readonly metrics = new Map<string, MetricDatapoint[]>();

  constructor(private readonly clock: Clock, private readonly region: string, private readonly account: string) {}

  /** Creates or updates an alarm. StateUpdatedTimestamp moves only when the state changes. */
  public setAlarm(name: string, settings: AlarmSettings = {}): AlarmInfo {
    const now = this.clock.now();
    const previous = this.alarms.get(name);
    const state = settings.state ?? previous?.state ?? 'INSUFFICIENT_DATA';
    const stateChanged = previous === undefined || previous.state !== state;
    const alarm: AlarmInfo = {
      name,
      arn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
      type: settings.type ?? previous?.type ?? 'metric',
      state,
      reason: settings.reason ?? (stateChanged ? `Emulator set state to ${state}` : previous.reason),
      actionsEnabled: settings.actionsEnabled ?? previous?.actionsEnabled ?? true,
      stateUpdatedAt: stateChanged ? now : previous.stateUpdatedAt,
      rule: settings.rule ?? previous?.rule,
      reasonData: settings.reasonData ?? (stateChanged ? undefined : previous.reasonData),
      tags: { ...(settings.tags ?? previous?.tags) },
    };
    this.alarms.set(name, alarm);
    return alarm;
  }

  /** Publishes values of a metric without dimensions (as a metric filter publishes its count). */
  public putMetricData(namespace: string, metricName: string, datapoints: readonly MetricDatapoint[]): void {
    const key = `${namespace}\u0000${metricName}`;
    this.metrics.set(key, [...(this.metrics.get(key) ?? []), ...datapoints]);
  }

  /**
   * @internal GetMetricStatistics over a decoded JSON body: one datapoint per period that holds values
   * (none for an empty one), aligned to the start time, for a metric without dimensions.
   */
  public statistics(input: Record<string, unknown>): Record<string, unknown> {
    const namespace = optionalString(input.Namespace, 'Namespace');
    const metricName = optionalString(input.MetricName, 'MetricName');
    const statistics = optionalStringList(input.Statistics, 'Statistics', 5);
    for (const [name, value] of [['Namespace', namespace], ['MetricName', metricName], ['StartTime', input.StartTime], ['EndTime', input.EndTime], ['Period', input.Period]] as const) {
      if (value === undefined || value === null) {
        throw new ServiceError(400, 'MissingParameter', `The parameter ${name} is required.`);
      }
    }
    if (!statistics || statistics.length === 0 || statistics.some((st) => !STATISTICS.includes(st))) {
      throw invalidValue(`Statistics must be one or more of ${STATISTICS.join(', ')}.`);
    }
    const [start, end, period] = [input.StartTime, input.EndTime, input.Period].map(Number);
    if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
      throw invalidValue('The parameter Period must be a multiple of 60.');
    }
    if (!(start < end)) {
      throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
    }
    if ((end - start) / period > 1440) {
      throw invalidValue('You have requested up to 1,441 datapoints, which exceeds the limit of 1,440.');
    }
    const values = this.metrics.get(`${namespace}\u0000${metricName}`) ?? [];
    const datapoints: Record<string, unknown>[] = [];
    for (let from = start; from < end; from += period) {
      const inPeriod = values.filter((d) => d.at >= from * 1000 && d.at < Math.min(from + period, end) * 1000).map((d) => d.value);
      if (inPeriod.length === 0) {
        continue;
      }
      const sum = inPeriod.reduce((a, b) => a + b, 0);
      const all: Record<string, number> = {
        SampleCount: inPeriod.length, Average: sum / inPeriod.length, Sum: sum, Minimum: Math.min(...inPeriod), Maximum: Math.max(...inPeriod),
      };
      datapoints.push({ Timestamp: from, Unit: 'None', ...Object.fromEntries(statistics.map((st) => [st, all[st]])) });
    }
    return { Label: metricName, Datapoints: datapoints };
  }

  public alarm(name: string): AlarmInfo | undefined {
    return this.alarms.get(name);
  }

  public deleteAlarm(name: string): boolean {
    return this.alarms.delete(name);
  }

  /** @internal DescribeAlarms over a decoded JSON body. */
  public describe(input: Record<string, unknown>): Record<string, unknown> {
    const names = optionalStringList(input.AlarmNames, 'AlarmNames', 100);
    const prefix = optionalString(input.AlarmNamePrefix, 'AlarmNamePrefix');
    const types = optionalStringList(input.AlarmTypes, 'AlarmTypes', 3) ?? ['MetricAlarm'];
    const stateValue = optionalString(input.StateValue, 'StateValue');
    const nextToken = optionalString(input.NextToken, 'NextToken');
    const maxRecords = input.MaxRecords;
    if (names && prefix !== undefined) {
      throw new ServiceError(400, 'InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
    }
    const badType = types.find(t => !ALARM_TYPES.includes(t));
    if (badType !== undefined) {
      throw invalidValue(`Invalid AlarmType: ${badType}`);
    }
    if (stateValue !== undefined && !STATES.includes(stateValue as AlarmState)) {
      throw invalidValue(`Invalid StateValue: ${stateValue}`);
    }
    if (maxRecords !== undefined && (typeof maxRecords !== 'number' || !Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 100)) {
      throw invalidValue('MaxRecords must be an integer between 1 and 100.');
    }
    let matching = [...this.alarms.values()]
      .filter(a => (names === undefined || names.includes(a.name))
        && (prefix === undefined || a.name.startsWith(prefix))
        && (stateValue === undefined || a.state === stateValue)
        && types.includes(a.type === 'composite' ? 'CompositeAlarm' : 'MetricAlarm'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (nextToken !== undefined) {
      const after = Buffer.from(nextToken, 'base64url').toString('utf8');
      if (!after.startsWith('after:')) {
        throw new ServiceError(400, 'InvalidNextToken', 'The service couldn\'t process the NextToken.');
      }
      matching = matching.filter(a => a.name > after.slice('after:'.length));
    }
    const size = typeof maxRecords === 'number' ? maxRecords : 50;
    const page = matching.slice(0, size);
    const last = page[page.length - 1];
    return {
      CompositeAlarms: types.includes('CompositeAlarm') ? page.filter(a => a.type === 'composite').map(a => this.render(a)) : undefined,
      MetricAlarms: types.includes('MetricAlarm') ? page.filter(a => a.type === 'metric').map(a => this.render(a)) : undefined,
      NextToken: matching.length > size && last ? Buffer.from(`after:${last.name}`).toString('base64url') : undefined,
    };
  }

  /**
   * @internal ListTagsForResource of an alarm: InvalidParameterValue for what is not a CloudWatch
   * resource ARN (insight rules, dashboards and metric streams are not modelled: ResourceNotFoundException, as for an unknown alarm).
   */
  public listTags(input: Record<string, unknown>): Record<string, unknown> {
    const arn = optionalString(input.ResourceARN, 'ResourceARN');
    if (arn === undefined) {
      throw new ServiceError(400, 'MissingParameter', 'The parameter ResourceARN is required.');
    }
    if (!/^arn:aws[a-z-]*:cloudwatch:[^:]*:\d*:.+$/.test(arn) || arn.length > 1024) {
      throw invalidValue(`Invalid ARN: ${arn}`);
    }
    const alarm = [...this.alarms.values()].find(a => a.arn === arn);
    if (!alarm) {
      throw new ServiceError(404, 'ResourceNotFoundException', 'The specified resource does not exist.');
    }
    return { Tags: Object.entries(alarm.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  private render(a: AlarmInfo): Record<string, unknown> {
    return {
      AlarmName: a.name,
      AlarmArn: a.arn,
      StateValue: a.state,
      StateReason: a.reason,
      ...(a.reasonData !== undefined ? { StateReasonData: a.reasonData } : {}),
      StateUpdatedTimestamp: epochSeconds(a.stateUpdatedAt),
      StateTransitionedTimestamp: epochSeconds(a.stateUpdatedAt),
      ActionsEnabled: a.actionsEnabled,
      AlarmActions: [],
      OKActions: [],
      InsufficientDataActions: [],
      ...(a.type === 'composite' ? { AlarmRule: a.rule ?? 'FALSE' } : {}),
    };
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new ServiceError(400, 'SerializationException', `${name} must be a string.`);
  }
  return value;
}

function optionalStringList(value: unknown, name: string, max: number): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw new ServiceError(400, 'SerializationException', `${name} must be a list of strings.`);
  }
  if (value.length > max) {
    throw invalidValue(`${name} must have at most ${max} members.`);
  }
  return value as string[];
}

/**
 * CloudWatch over awsJson1_0 in AWS-query-compatible mode (what @aws-sdk/client-cloudwatch sends:
 * `x-amz-target: GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`). Errors carry
 * `x-amzn-query-error: <Code>;Sender` so the SDK maps them by their legacy query code.
 */
export class CloudWatchHandler implements ServiceHandler {
  constructor(private readonly model: CloudWatchModel) {}

  public decode(req: RawRequest): Call {
    const operation = targetOperation(req, TARGET_PREFIX);
    const body = parseJsonObject(req.body);
    if (operation === 'DescribeAlarms' && req.method === 'POST') {
      return {
        operation,
        params: { alarmNames: stringListOrUndefined(body?.AlarmNames), alarmTypes: stringListOrUndefined(body?.AlarmTypes) },
        run: awsJsonRun(body, 'Request body is not a valid JSON object.', b => this.model.describe(b)),
      };
    }
    if (operation === 'GetMetricStatistics' && req.method === 'POST') {
      return {
        operation,
        params: { namespace: typeof body?.Namespace === 'string' ? body.Namespace : undefined, metricName: typeof body?.MetricName === 'string' ? body.MetricName : undefined },
        run: awsJsonRun(body, 'Request body is not a valid JSON object.', b => this.model.statistics(b)),
      };
    }
    if (operation === 'ListTagsForResource' && req.method === 'POST') {
      return {
        operation,
        params: { resourceArn: typeof body?.ResourceARN === 'string' ? body.ResourceARN : undefined },
        run: awsJsonRun(body, 'Request body is not a valid JSON object.', b => this.model.listTags(b)),
      };
    }
    return unknownTarget(req, operation);
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    const headers: Record<string, string> = {};
    if (!CORAL_ERRORS.has(err.code)) {
      headers['x-amzn-query-error'] = `${err.code};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
    }
    return awsJsonError(err, requestId, SHAPES[err.code] ?? `com.amazonaws.cloudwatch#${err.code}`, headers);
  }

  public throttlingError(code: string = 'Throttling'): ServiceError {
    return new ServiceError(400, code, 'Rate exceeded');
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailable', 'Service is temporarily unavailable.')
      : new ServiceError(500, 'InternalServiceError', 'Internal service error.');
  }
}

function stringListOrUndefined(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every(v => typeof v === 'string') ? value : undefined;
}
