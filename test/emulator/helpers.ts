import { request } from 'http';
import type { CreateConnectorCommandInput } from '@aws-sdk/client-kafkaconnect';

export const REGION = 'ap-northeast-2';
export const ACCOUNT = '111122223333';
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * A RetryStrategyV2 with 1 ms backoff. Whether to retry is still decided from the SDK's own
 * classification of the error (`errorInfo.errorType`), so tests prove the emulator's errors are
 * classified as THROTTLING / TRANSIENT by the real client, without waiting for real backoff.
 */
export function fastRetry(maxAttempts: number = 4) {
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 1 });
  const seen: string[] = [];
  return {
    /** errorType of every failed attempt, as classified by the SDK. */
    seen,
    mode: 'standard',
    acquireInitialRetryToken: async (_scope: string) => token(0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: { errorType: string }) => {
      seen.push(info.errorType);
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || previous.getRetryCount() + 1 >= maxAttempts) {
        throw new Error('No retry token available');
      }
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: (_token: RetryToken) => undefined,
  };
}

/** A complete, valid CreateConnector input for `name`. */
export function connectorInput(name: string, extra: Partial<CreateConnectorCommandInput> = {}): CreateConnectorCommandInput {
  return {
    connectorName: name,
    capacity: { provisionedCapacity: { mcuCount: 1, workerCount: 1 } },
    connectorConfiguration: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'tasks.max': '1',
      'topic.prefix': name,
    },
    kafkaCluster: {
      apacheKafkaCluster: { bootstrapServers: 'b-1.msk.example:9098', vpc: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] } },
    },
    kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
    kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
    kafkaConnectVersion: '2.7.1',
    plugins: [{ customPlugin: { customPluginArn: `arn:aws:kafkaconnect:${REGION}:${ACCOUNT}:custom-plugin/debezium/abc-1`, revision: 1 } }],
    serviceExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/msk-connect`,
    ...extra,
  };
}

/** A syntactically valid (unverified) SigV4 Authorization header scoped to `service`. */
export function authHeader(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKID/20261128/${REGION}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequestOptions {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one raw HTTP request (no SDK), for malformed-input tests. */
export function rawRequest(endpoint: string, options: RawRequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.path, endpoint);
    const req = request(url, { method: options.method, headers: options.headers, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Runs `fn` and returns the error it rejects with (fails the test if it resolves). */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}
