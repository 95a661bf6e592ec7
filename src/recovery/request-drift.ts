import { createHash } from 'node:crypto';
import { isObject } from './json';

/**
 * Whether the stored CreateConnector request still describes the connector that runs: a recreate from
 * a request older than the running connector (UpdateConnector changed its configuration, capacity or
 * plugins since) would silently revert it. Pure: the caller reads `DescribeConnector` and
 * `ListTagsForResource`; this module compares.
 *
 * Nothing here returns or keeps a value: connector configurations hold database passwords. Differences
 * are named by field and key, and the fingerprint keeps one hash per field.
 */

/** The CreateConnector fields that `DescribeConnector` returns, compared one by one (`tags` separately). */
export const COMPARED_FIELDS = [
  'capacity',
  'connectorConfiguration',
  'connectorDescription',
  'kafkaCluster',
  'kafkaClusterClientAuthentication',
  'kafkaClusterEncryptionInTransit',
  'kafkaConnectVersion',
  'logDelivery',
  'networkType',
  'plugins',
  'serviceExecutionRoleArn',
  'workerConfiguration',
] as const;

/** The tag CloudFormation puts on the resources of a stack. */
export const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-name';

/** The stored request compared with the running connector. */
export interface RequestDrift {
  /**
   * What differs, by name only: a field (`capacity`), a configuration key (`connectorConfiguration.database.hostname`)
   * or a tag (`tags.team`). Empty when the request would re-create the connector as it runs.
   */
  readonly differences: string[];
  /** Configuration keys whose running value came back masked: only their presence could be compared. */
  readonly uncompared: string[];
  /** The CloudFormation stack that manages the running connector (its `aws:cloudformation:stack-name` tag), if any. */
  readonly stack?: string;
}

/** One hash per compared field (and `tags`): what a request looked like, without its values. */
export type RequestFingerprint = Record<string, string>;

/**
 * Compares the stored request with the running connector.
 * @param request the validated stored request
 * @param running the `DescribeConnector` answer
 * @param tags the running connector's tags (`ListTagsForResource`); `aws:` system tags are not compared
 */
export function compareWithRunning(request: Record<string, unknown>, running: Record<string, unknown>, tags: Record<string, string>): RequestDrift {
  const differences: string[] = [];
  const uncompared: string[] = [];
  for (const field of COMPARED_FIELDS) {
    if (field === 'connectorConfiguration') {
      compareConfiguration(asStrings(request[field]), asStrings(running[field]), differences, uncompared);
    } else if (field === 'capacity') {
      if (canonical(field, request.capacity) !== canonical(field, withoutUnsetTaskCount(running.capacity, request.capacity))) {
        differences.push(field);
      }
    } else if (canonical(field, request[field]) !== canonical(field, running[field])) {
      differences.push(field);
    }
  }
  const wanted = asStrings(request.tags);
  const userTags = Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('aws:')));
  for (const key of unionKeys(wanted, userTags)) {
    if (wanted[key] !== userTags[key]) {
      differences.push(`tags.${key}`);
    }
  }
  const stack = tags[CLOUDFORMATION_STACK_TAG];
  return { differences, uncompared, ...(stack !== undefined ? { stack } : {}) };
}

/** The request's fingerprint: a hash of each compared field and of its tags. */
export function fingerprintOf(request: Record<string, unknown>): RequestFingerprint {
  const print: RequestFingerprint = {};
  for (const field of [...COMPARED_FIELDS, 'tags']) {
    print[field] = createHash('sha256').update(canonical(field, request[field])).digest('hex').slice(0, 32);
  }
  return print;
}

/** The fields whose hash differs between two fingerprints (a field missing from either counts as different). */
export function fingerprintDifferences(expected: RequestFingerprint, actual: RequestFingerprint): string[] {
  return [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort().filter((field) => expected[field] !== actual[field]);
}

/**
 * Whether `DescribeConnector` masked a value. The API returns the configuration in clear (only the
 * SDK's own logging masks it), but should it ever mask one, the guard compares what it can and says so.
 */
export function isMasked(value: string): boolean {
  return /^\*{3,}$/.test(value) || value === '<redacted>';
}

function compareConfiguration(wanted: Record<string, string>, actual: Record<string, string>, differences: string[], uncompared: string[]): void {
  for (const key of unionKeys(wanted, actual)) {
    const [w, a] = [wanted[key], actual[key]];
    if (w === undefined || a === undefined) {
      differences.push(`connectorConfiguration.${key}`);
    } else if (isMasked(a)) {
      uncompared.push(`connectorConfiguration.${key}`);
    } else if (w !== a) {
      differences.push(`connectorConfiguration.${key}`);
    }
  }
}

/**
 * The field as canonical JSON, so that equal meanings compare equal: object keys sorted, string
 * switches (`"true"`) as booleans, log destinations that are not enabled dropped, broker, subnet,
 * security group and plugin lists in any order, and the network type's default (`IPV4`) filled in.
 */
function canonical(field: string, value: unknown): string {
  let normal = normalise(value);
  if (field === 'logDelivery') {
    normal = enabledDestinations(normal);
  } else if (field === 'kafkaCluster') {
    normal = unorderedCluster(normal);
  } else if (field === 'plugins' && Array.isArray(normal)) {
    normal = normal.map((p) => JSON.stringify(p)).sort();
  } else if (field === 'capacity') {
    normal = withScalePolicyDefaults(normal);
  } else if (field === 'networkType' && normal === undefined) {
    normal = 'IPV4';
  } else if (field === 'connectorDescription' && normal === '') {
    normal = undefined;
  }
  return JSON.stringify(normal) ?? 'null';
}

/** Sorted keys, `null` as absent, and `"true"`/`"false"` as booleans at any depth. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  if (Array.isArray(value)) {
    return value.map(normalise);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalise(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }
  return value;
}

/** MSK Connect's scale-in and scale-out defaults, which DescribeConnector returns when the create did not set them. */
const SCALE_POLICY_DEFAULTS = { scaleInPolicy: { cpuUtilizationPercentage: 20 }, scaleOutPolicy: { cpuUtilizationPercentage: 80 } };

function withScalePolicyDefaults(capacity: unknown): unknown {
  const auto = at(capacity, 'autoScaling');
  return isObject(auto) ? { ...(capacity as object), autoScaling: normalise({ ...SCALE_POLICY_DEFAULTS, ...auto }) } : capacity;
}

/**
 * The running capacity without `autoScaling.maxAutoscalingTaskCount` when the request does not set it:
 * MSK Connect derives it then, so only a value the request sets is compared.
 */
function withoutUnsetTaskCount(running: unknown, requested: unknown): unknown {
  const auto = at(running, 'autoScaling');
  if (!isObject(auto) || at(at(requested, 'autoScaling'), 'maxAutoscalingTaskCount') !== undefined) {
    return running;
  }
  const { maxAutoscalingTaskCount: _derived, ...rest } = auto;
  return { ...(running as object), autoScaling: rest };
}

function enabledDestinations(logDelivery: unknown): unknown {
  const destinations = at(logDelivery, 'workerLogDelivery');
  if (!isObject(destinations)) {
    return undefined;
  }
  const enabled = Object.entries(destinations).filter(([, d]) => isObject(d) && d.enabled === true);
  return enabled.length === 0 ? undefined : { workerLogDelivery: Object.fromEntries(enabled) };
}

function unorderedCluster(cluster: unknown): unknown {
  const apache = at(cluster, 'apacheKafkaCluster');
  if (!isObject(apache)) {
    return cluster;
  }
  const sorted = (list: unknown) => (Array.isArray(list) ? [...list].map(String).sort() : list);
  const vpc = isObject(apache.vpc)
    ? { ...apache.vpc, securityGroups: sorted(apache.vpc.securityGroups), subnets: sorted(apache.vpc.subnets) }
    : apache.vpc;
  const servers = typeof apache.bootstrapServers === 'string'
    ? apache.bootstrapServers.split(',').map((s) => s.trim()).sort().join(',')
    : apache.bootstrapServers;
  return { apacheKafkaCluster: { ...apache, bootstrapServers: servers, vpc } };
}

function asStrings(value: unknown): Record<string, string> {
  if (!isObject(value)) {
    return {};
  }
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}

function unionKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function at(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}
