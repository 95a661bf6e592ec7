import { isRecord, ServiceError } from './wire';

/** A CreateConnector request that passed validation (a deep copy of the JSON body). */
export interface ConnectorSpec {
  readonly capacity: Record<string, unknown>;
  readonly connectorConfiguration: Record<string, string>;
  readonly connectorName: string;
  readonly connectorDescription?: string;
  readonly kafkaCluster: Record<string, unknown>;
  readonly kafkaClusterClientAuthentication: Record<string, unknown>;
  readonly kafkaClusterEncryptionInTransit: Record<string, unknown>;
  readonly kafkaConnectVersion: string;
  readonly logDelivery?: Record<string, unknown>;
  readonly networkType?: string;
  readonly plugins: readonly unknown[];
  readonly serviceExecutionRoleArn: string;
  readonly workerConfiguration?: { readonly workerConfigurationArn: string; readonly revision: number };
  readonly tags?: Record<string, string>;
}

function bad(message: string): never {
  throw new ServiceError(400, 'BadRequestException', message);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) {
    bad(`${path} is required.`);
  }
  if (!isRecord(value)) {
    bad(`${path} must be an object.`);
  }
  return value;
}

function string(value: unknown, path: string, maxLength: number = 4096): string {
  if (value === undefined || value === null) {
    bad(`${path} is required.`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    bad(`${path} must be a non-empty string of at most ${maxLength} characters.`);
  }
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (value === undefined || value === null) {
    bad(`${path} is required.`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`${path} must be an integer between ${min} and ${max}.`);
  }
  return value;
}

function stringList(value: unknown, path: string, minItems = 1): string[] {
  if (value === undefined || value === null) {
    bad(`${path} is required.`);
  }
  if (!Array.isArray(value) || value.length < minItems || !value.every(v => typeof v === 'string' && v.length > 0)) {
    bad(`${path} must be a ${minItems > 0 ? 'non-empty ' : ''}list of strings.`);
  }
  return value as string[];
}

function stringMap(value: unknown, path: string): Record<string, string> {
  const map = object(value, path);
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') {
      bad(`${path}.${k} must be a string.`);
    }
  }
  return map as Record<string, string>;
}

function oneOf(value: unknown, path: string, allowed: readonly string[]): string {
  const s = string(value, path);
  if (!allowed.includes(s)) {
    bad(`${path} must be one of ${allowed.join(', ')}.`);
  }
  return s;
}

function validateCapacity(value: unknown): void {
  const capacity = object(value, 'capacity');
  const hasAuto = capacity.autoScaling !== undefined && capacity.autoScaling !== null;
  const hasProvisioned = capacity.provisionedCapacity !== undefined && capacity.provisionedCapacity !== null;
  if (hasAuto === hasProvisioned) {
    bad('capacity must specify exactly one of autoScaling or provisionedCapacity.');
  }
  if (hasAuto) {
    const auto = object(capacity.autoScaling, 'capacity.autoScaling');
    const min = integer(auto.minWorkerCount, 'capacity.autoScaling.minWorkerCount', 1, 10);
    const max = integer(auto.maxWorkerCount, 'capacity.autoScaling.maxWorkerCount', 1, 10);
    integer(auto.mcuCount, 'capacity.autoScaling.mcuCount', 1, 8);
    if (min > max) {
      bad('capacity.autoScaling.minWorkerCount must not exceed maxWorkerCount.');
    }
  } else {
    const provisioned = object(capacity.provisionedCapacity, 'capacity.provisionedCapacity');
    integer(provisioned.mcuCount, 'capacity.provisionedCapacity.mcuCount', 1, 8);
    integer(provisioned.workerCount, 'capacity.provisionedCapacity.workerCount', 1, 10);
  }
}

function validatePlugins(value: unknown): void {
  if (value === undefined || value === null) {
    bad('plugins is required.');
  }
  if (!Array.isArray(value) || value.length === 0) {
    bad('plugins must be a non-empty list.');
  }
  value.forEach((plugin, i) => {
    const custom = object(object(plugin, `plugins[${i}]`).customPlugin, `plugins[${i}].customPlugin`);
    string(custom.customPluginArn, `plugins[${i}].customPlugin.customPluginArn`);
    integer(custom.revision, `plugins[${i}].customPlugin.revision`, 1, Number.MAX_SAFE_INTEGER);
  });
}

/**
 * Validates a CreateConnector body the way the service does for the fields a recreate must carry over,
 * throwing BadRequestException naming the first offending field.
 */
export function validateCreateConnector(body: Record<string, unknown>): ConnectorSpec {
  const name = string(body.connectorName, 'connectorName', 128);
  validateCapacity(body.capacity);
  stringMap(body.connectorConfiguration, 'connectorConfiguration');
  const cluster = object(object(body.kafkaCluster, 'kafkaCluster').apacheKafkaCluster, 'kafkaCluster.apacheKafkaCluster');
  string(cluster.bootstrapServers, 'kafkaCluster.apacheKafkaCluster.bootstrapServers');
  const vpc = object(cluster.vpc, 'kafkaCluster.apacheKafkaCluster.vpc');
  stringList(vpc.subnets, 'kafkaCluster.apacheKafkaCluster.vpc.subnets');
  // Optional in the API (the connector then gets the VPC's default security group).
  if (vpc.securityGroups !== undefined && vpc.securityGroups !== null) {
    stringList(vpc.securityGroups, 'kafkaCluster.apacheKafkaCluster.vpc.securityGroups', 0);
  }
  oneOf(object(body.kafkaClusterClientAuthentication, 'kafkaClusterClientAuthentication').authenticationType,
    'kafkaClusterClientAuthentication.authenticationType', ['IAM', 'NONE']);
  oneOf(object(body.kafkaClusterEncryptionInTransit, 'kafkaClusterEncryptionInTransit').encryptionType,
    'kafkaClusterEncryptionInTransit.encryptionType', ['TLS', 'PLAINTEXT']);
  string(body.kafkaConnectVersion, 'kafkaConnectVersion');
  validatePlugins(body.plugins);
  string(body.serviceExecutionRoleArn, 'serviceExecutionRoleArn', 2048);
  if (body.connectorDescription !== undefined) {
    string(body.connectorDescription, 'connectorDescription', 1024);
  }
  if (body.workerConfiguration !== undefined) {
    const wc = object(body.workerConfiguration, 'workerConfiguration');
    string(wc.workerConfigurationArn, 'workerConfiguration.workerConfigurationArn');
    integer(wc.revision, 'workerConfiguration.revision', 1, Number.MAX_SAFE_INTEGER);
  }
  if (body.logDelivery !== undefined) {
    object(object(body.logDelivery, 'logDelivery').workerLogDelivery, 'logDelivery.workerLogDelivery');
  }
  if (body.networkType !== undefined) {
    oneOf(body.networkType, 'networkType', ['IPV4', 'DUAL']);
  }
  if (body.tags !== undefined) {
    stringMap(body.tags, 'tags');
  }
  if (name.trim() !== name) {
    bad('connectorName must not have leading or trailing whitespace.');
  }
  // structuredClone: the stored spec must not alias the caller's object (programmatic addConnector).
  return structuredClone(body) as unknown as ConnectorSpec;
}

/** Parses Java-properties text (the worker configuration format): `key=value`, `key: value`, comments, continuations. */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].trim();
    }
    if (line.length === 0 || line.startsWith('#') || line.startsWith('!')) {
      continue;
    }
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) {
      result.set(m[1], m[2]);
    } else {
      result.set(line, '');
    }
  }
  return result;
}
