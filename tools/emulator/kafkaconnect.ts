import type { KafkaConnectModel } from './kafkaconnect-model';
import {
  Call, decodeSegment, HttpResult, jsonResult, LogParams, parseJsonObject, RawRequest, ServiceError, ServiceHandler,
} from './wire';

/** Operations the SDK knows but the emulator does not model; answered with UnknownOperationException. */
const NOT_EMULATED = 'is not supported by the emulator';

/**
 * MSK Connect over restJson1: routes by method + path under /v1/, errors as `x-amzn-errortype` + `{"message"}`.
 * Paths and methods match @aws-sdk/client-kafkaconnect (e.g. RestartConnector is POST .../restart).
 */
export class KafkaConnectHandler implements ServiceHandler {
  constructor(private readonly model: KafkaConnectModel) {}

  public decode(req: RawRequest): Call {
    const segments = req.path.split('/').slice(1);
    const decoded = segments.map(decodeSegment);
    const q = req.query;
    const m = req.method;
    if (segments[0] !== 'v1' || decoded.some(s => s === undefined)) {
      return unknown(m, req.path);
    }
    const [, collection, label, action] = decoded as string[];
    const depth = segments.length; // e.g. ['v1', 'connectors', '<arn>', 'restart'] has depth 4

    if (collection === 'connectors' && depth === 2) {
      if (m === 'GET') {
        const prefix = q.get('connectorNamePrefix') ?? undefined;
        return {
          operation: 'ListConnectors',
          params: { connectorNamePrefix: prefix, maxResults: q.get('maxResults') ?? undefined, nextToken: q.get('nextToken') ?? undefined },
          run: () => {
            const page = this.model.apiList(prefix, intParam(q, 'maxResults'), q.get('nextToken') ?? undefined);
            return jsonResult(200, { connectors: page.items, nextToken: page.nextToken });
          },
        };
      }
      if (m === 'POST') {
        const body = parseJsonObject(req.body);
        return {
          operation: 'CreateConnector',
          params: { connectorName: typeof body?.connectorName === 'string' ? body.connectorName : undefined },
          run: () => {
            if (!body) {
              throw new ServiceError(400, 'BadRequestException', 'The request body is not a valid JSON object.');
            }
            return jsonResult(200, this.model.apiCreate(body));
          },
        };
      }
    }
    if (collection === 'connectors' && depth === 3) {
      const params: LogParams = { connectorArn: label };
      if (m === 'GET') {
        return { operation: 'DescribeConnector', params, run: () => jsonResult(200, this.model.apiDescribe(label)) };
      }
      if (m === 'DELETE') {
        const currentVersion = q.get('currentVersion') ?? undefined;
        return {
          operation: 'DeleteConnector',
          params: { ...params, currentVersion },
          run: () => jsonResult(200, this.model.apiDelete(label, currentVersion)),
        };
      }
      if (m === 'PUT') {
        return notEmulated('UpdateConnector', params);
      }
    }
    if (collection === 'connectors' && depth === 4) {
      const params: LogParams = { connectorArn: label };
      if (m === 'POST' && action === 'restart') {
        return {
          operation: 'RestartConnector',
          params: { ...params, onlyFailedTasks: q.get('onlyFailedTasks') ?? undefined },
          run: () => jsonResult(200, this.model.apiRestart(label, q.get('onlyFailedTasks') === 'true')),
        };
      }
      if (m === 'GET' && action === 'operations') {
        return {
          operation: 'ListConnectorOperations',
          params,
          run: () => {
            const page = this.model.apiListOperations(label, intParam(q, 'maxResults'), q.get('nextToken') ?? undefined);
            return jsonResult(200, { connectorOperations: page.items, nextToken: page.nextToken });
          },
        };
      }
      if (m === 'PUT' && (action === 'pause' || action === 'resume')) {
        return notEmulated(action === 'pause' ? 'PauseConnector' : 'ResumeConnector', params);
      }
    }
    if (collection === 'tags' && depth === 3 && m === 'GET') {
      return {
        operation: 'ListTagsForResource',
        params: { resourceArn: label },
        run: () => jsonResult(200, this.model.apiListTags(label)),
      };
    }
    if (collection === 'worker-configurations' && depth === 3 && m === 'GET') {
      return {
        operation: 'DescribeWorkerConfiguration',
        params: { workerConfigurationArn: label },
        run: () => jsonResult(200, this.model.apiDescribeWorkerConfiguration(label)),
      };
    }
    if (collection === 'connectorOperations' && depth === 3 && m === 'GET') {
      return {
        operation: 'DescribeConnectorOperation',
        params: { connectorOperationArn: label },
        run: () => jsonResult(200, this.model.apiDescribeOperation(label)),
      };
    }
    return unknown(m, req.path);
  }

  public renderError(err: ServiceError, requestId: string): HttpResult {
    return jsonResult(err.status, { message: err.message, ...err.extra }, {
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': requestId,
    });
  }

  public throttlingError(code: string = 'TooManyRequestsException'): ServiceError {
    return new ServiceError(429, code, 'Rate exceeded');
  }

  public serverError(status: number): ServiceError {
    return status === 503
      ? new ServiceError(503, 'ServiceUnavailableException', 'Service is temporarily unavailable.')
      : new ServiceError(500, 'InternalServerErrorException', 'An internal error occurred.');
  }
}

/** A numeric query parameter; a non-numeric value becomes NaN, which the model rejects as BadRequest. */
function intParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  return raw === null ? undefined : Number(raw);
}

function unknown(method: string, path: string): Call {
  return {
    operation: 'Unknown',
    params: { method, path },
    run: () => {
      throw new ServiceError(400, 'UnknownOperationException', `No MSK Connect operation matches ${method} ${path}.`);
    },
  };
}

function notEmulated(operation: string, params: LogParams): Call {
  return {
    operation,
    params,
    run: () => {
      throw new ServiceError(400, 'UnknownOperationException', `${operation} ${NOT_EMULATED}.`);
    },
  };
}
