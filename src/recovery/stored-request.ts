import { isObject } from './json';
import type { ConfigCheck, OffsetsLocation } from './model';
import { COMPARED_FIELDS, fingerprintOf } from './request-drift';

/** The fields a stored request may have: those compared with the running connector, its name and its tags. */
const CREATE_FIELDS = new Set<string>(['connectorName', ...COMPARED_FIELDS, 'tags']);

/** MSK Connect's MCU counts per worker. */
const MCU_COUNTS = [1, 2, 4, 8];

/** What the stored CreateConnector request must match. */
export interface ConfigExpectations {
  readonly connectorName: string;
  readonly serviceExecutionRoleArn: string;
}

/** Worker configuration properties the guard can see, keyed by `arn#revision`. */
export type WorkerProperties = (workerConfigurationArn: string, revision: number) => Promise<string | undefined>;

/**
 * Validates the CreateConnector request JSON stored in S3, before anything is deleted.
 *
 * Messages name the field and the fix but never echo a value from the request: connector
 * configurations carry database passwords.
 *
 * @param text the object's body
 * @param expected the guarded connector's name and the role the guard may pass
 * @param workerProperties the text of the worker configuration's properties, when the request names one
 * @param live where the connector running now (or the one the guard deleted) keeps its offsets: the recreate must look there
 */
export function checkConnectorConfig(
  text: string | undefined, expected: ConfigExpectations, workerProperties?: string, live?: OffsetsLocation,
): ConfigCheck {
  if (text === undefined) {
    return refuse('the CreateConnector request could not be read from S3 (the object does not exist, or the guard may not read it); upload it to the configured bucket and key, readable by the recovery role');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse('the CreateConnector request in S3 is not valid JSON; fix the object so that `JSON.parse` accepts it');
  }
  if (!isObject(parsed)) {
    return refuse('the CreateConnector request in S3 must be a JSON object, got ' + describeType(parsed));
  }
  const problems: string[] = [];
  // Every field passed to CreateConnector is one compared with the running connector: a field the guard
  // does not compare (a new one of the API) could reshape the re-created connector unseen.
  const uncompared = Object.keys(parsed).filter((field) => !CREATE_FIELDS.has(field));
  if (uncompared.length > 0) {
    problems.push(`${uncompared.map((field) => JSON.stringify(field.slice(0, 64))).join(', ')} ${uncompared.length === 1 ? 'is not a field' : 'are not fields'} `
      + `the guard compares with the running connector (${[...CREATE_FIELDS].join(', ')}); remove ${uncompared.length === 1 ? 'it' : 'them'}`);
  }
  const requireObject = (path: string): Record<string, unknown> | undefined => {
    const value = at(parsed, path);
    if (!isObject(value)) {
      problems.push(`${path} is required and must be an object`);
      return undefined;
    }
    return value;
  };
  const requireString = (path: string): string | undefined => {
    const value = at(parsed, path);
    if (typeof value !== 'string' || value.length === 0) {
      problems.push(`${path} is required and must be a non-empty string`);
      return undefined;
    }
    return value;
  };

  // What CreateConnector would refuse must be caught here, before the delete: the nested fields too.
  const requireInteger = (path: string, min: number, max: number, allowed?: number[]): void => {
    const value = at(parsed, path);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max || (allowed && !allowed.includes(value))) {
      problems.push(`${path} is required and must be ${allowed ? `one of ${allowed.join(', ')}` : `an integer from ${min} to ${max}`}`);
    }
  };
  const capacity = requireObject('capacity');
  if (capacity) {
    const modes = ['autoScaling', 'provisionedCapacity'].filter((m) => capacity[m] !== undefined && capacity[m] !== null);
    if (modes.length !== 1) {
      problems.push(`capacity must set exactly one of autoScaling or provisionedCapacity, got ${modes.length === 0 ? 'neither' : 'both'}`);
    } else if (modes[0] === 'provisionedCapacity') {
      requireInteger('capacity.provisionedCapacity.mcuCount', 1, 8, MCU_COUNTS);
      requireInteger('capacity.provisionedCapacity.workerCount', 1, 10);
    } else {
      requireInteger('capacity.autoScaling.mcuCount', 1, 8, MCU_COUNTS);
      requireInteger('capacity.autoScaling.minWorkerCount', 1, 10);
      requireInteger('capacity.autoScaling.maxWorkerCount', 1, 10);
      for (const policy of ['scaleInPolicy', 'scaleOutPolicy']) {
        if (at(parsed, `capacity.autoScaling.${policy}`) !== undefined) {
          requireInteger(`capacity.autoScaling.${policy}.cpuUtilizationPercentage`, 1, 100);
        }
      }
      const min = at(parsed, 'capacity.autoScaling.minWorkerCount');
      const max = at(parsed, 'capacity.autoScaling.maxWorkerCount');
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        problems.push('capacity.autoScaling.minWorkerCount must not exceed maxWorkerCount');
      }
    }
  }
  const connectorConfiguration = requireObject('connectorConfiguration');
  if (connectorConfiguration && Object.values(connectorConfiguration).some((v) => typeof v !== 'string')) {
    problems.push('connectorConfiguration must map strings to strings');
  }
  const name = requireString('connectorName');
  if (name !== undefined && name !== expected.connectorName) {
    problems.push(`connectorName must equal the guarded connector "${expected.connectorName}"; the stored request names another connector`);
  }
  requireString('kafkaCluster.apacheKafkaCluster.bootstrapServers');
  const vpc = requireObject('kafkaCluster.apacheKafkaCluster.vpc');
  if (vpc && !isStringArray(vpc.subnets)) {
    problems.push('kafkaCluster.apacheKafkaCluster.vpc.subnets is required and must be a list of subnet IDs');
  }
  const requireOneOf = (path: string, values: string[]): void => {
    if (!values.includes(at(parsed, path) as string)) {
      problems.push(`${path} is required and must be one of ${values.join(', ')}`);
    }
  };
  requireOneOf('kafkaClusterClientAuthentication.authenticationType', ['IAM', 'NONE']);
  requireOneOf('kafkaClusterEncryptionInTransit.encryptionType', ['TLS', 'PLAINTEXT']);
  const version = requireString('kafkaConnectVersion');
  if (version !== undefined && !/^\d+\.\d+\.(\d+|x)$/.test(version)) {
    problems.push('kafkaConnectVersion must be a Kafka Connect version as MSK Connect names it (for example 2.7.1 or 3.7.x)');
  }
  const plugins = at(parsed, 'plugins');
  if (!Array.isArray(plugins) || plugins.length === 0) {
    problems.push('plugins is required and must list at least one custom plugin');
  } else {
    plugins.forEach((_, i) => {
      requireString(`plugins.${i}.customPlugin.customPluginArn`);
      requireInteger(`plugins.${i}.customPlugin.revision`, 1, Number.MAX_SAFE_INTEGER);
    });
  }
  const role = requireString('serviceExecutionRoleArn');
  if (role !== undefined && role !== expected.serviceExecutionRoleArn) {
    problems.push('serviceExecutionRoleArn must equal the role given to the guard as serviceExecutionRole; the guard may pass no other role');
  }

  // The guard reads the worker logs in CloudWatch Logs, and holds no permission for other destinations:
  // a create that needs them would fail after the delete.
  for (const destination of ['s3', 'firehose']) {
    if (at(parsed, `logDelivery.workerLogDelivery.${destination}.enabled`) === true) {
      problems.push(`logDelivery.workerLogDelivery.${destination} is enabled; the guard can only re-create connectors that deliver worker logs to CloudWatch Logs`);
    }
  }
  if (at(parsed, 'workerConfiguration') !== undefined) {
    requireString('workerConfiguration.workerConfigurationArn');
    requireInteger('workerConfiguration.revision', 1, Number.MAX_SAFE_INTEGER);
  }
  const offsetsProblem = offsetStorageProblem(parsed, workerProperties, live);
  const offsets = offsetsProblem === undefined ? { offsetsPreserved: true } : { offsetsPreserved: false, offsetsProblem };
  if (problems.length > 0) {
    return { problems, ...offsets };
  }
  return { problems, ...offsets, request: parsed, fingerprint: fingerprintOf(parsed) };
}

/**
 * Why the recreate is not proven to resume from the running connector's committed offsets, or
 * undefined when it is: the request's worker configuration (at a revision the guard could read) sets
 * `offset.storage.topic`, and the running connector uses that same configuration and revision on the
 * same Kafka cluster, so its offsets are in the topic the new connector will read.
 */
function offsetStorageProblem(
  request: Record<string, unknown>, workerProperties: string | undefined, live: OffsetsLocation | undefined,
): string | undefined {
  if (at(request, 'workerConfiguration.workerConfigurationArn') === undefined) {
    return 'the stored request names no worker configuration, so the new connector would keep its offsets in a new topic of its own';
  }
  if (workerProperties === undefined) {
    return 'the stored request\'s worker configuration could not be read at the revision it names (it does not exist, or that revision is not its latest: only the latest can be read)';
  }
  if (!setsOffsetStorageTopic(workerProperties)) {
    return 'the stored request\'s worker configuration does not set offset.storage.topic';
  }
  if (live === undefined) {
    return undefined;
  }
  return locationMismatch(requestOffsetsLocation(request), live, 'the running connector');
}

/** Where a connector created from this request would keep its offsets. */
export function requestOffsetsLocation(request: Record<string, unknown>): OffsetsLocation {
  const arn = at(request, 'workerConfiguration.workerConfigurationArn');
  const revision = at(request, 'workerConfiguration.revision');
  const servers = at(request, 'kafkaCluster.apacheKafkaCluster.bootstrapServers');
  return {
    workerConfigurationArn: typeof arn === 'string' ? arn : undefined,
    workerConfigurationRevision: typeof revision === 'number' ? revision : undefined,
    bootstrapServers: typeof servers === 'string' ? servers : undefined,
  };
}

/**
 * Why a connector created from the request (`wanted`) would not find the offsets of `actual` (the
 * running or the deleted connector), or undefined when it would: same worker configuration and
 * revision, same Kafka cluster (the same brokers in any order).
 */
export function locationMismatch(wanted: OffsetsLocation, actual: OffsetsLocation, who: string): string | undefined {
  if (actual.workerConfigurationArn !== wanted.workerConfigurationArn || actual.workerConfigurationRevision !== wanted.workerConfigurationRevision) {
    return `${who} uses another worker configuration or revision than the stored request, so its offsets are not in the topic the new connector would read`;
  }
  const servers = (value: string | undefined) => value?.split(',').map((s) => s.trim()).sort().join(',');
  if (servers(actual.bootstrapServers) !== servers(wanted.bootstrapServers)) {
    return `the stored request names other bootstrap servers than ${who} uses, so its offsets are on another Kafka cluster`;
  }
  return undefined;
}

/**
 * The worker configuration named by a request, if any (`workerConfiguration.workerConfigurationArn`, `revision`).
 */
export function workerConfigurationOf(text: string | undefined): { arn: string; revision: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    const arn = at(parsed, 'workerConfiguration.workerConfigurationArn');
    const revision = at(parsed, 'workerConfiguration.revision');
    if (typeof arn === 'string' && typeof revision === 'number') {
      return { arn, revision };
    }
  } catch {
    // the full check reports it
  }
  return undefined;
}

/** True when a Kafka Connect worker properties text sets a non-empty `offset.storage.topic`. */
export function setsOffsetStorageTopic(properties: string): boolean {
  return properties
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#') && !line.startsWith('!'))
    .some((line) => /^offset\.storage\.topic\s*[=:]\s*\S/.test(line));
}

function refuse(problem: string): ConfigCheck {
  return { problems: [problem], offsetsPreserved: false };
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      current = current[Number(key)];
    } else if (isObject(current)) {
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
}

function describeType(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}
