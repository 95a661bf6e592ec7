import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import type { Clock } from './clock';
import type { Faults, HookAction, InjectedError } from './faults';
import type { IdGenerator } from './ids';
import type { RequestLog, RequestRecord } from './requests';
import { credentialScope, HttpResult, RawRequest, SERVICE_NAMES, ServiceError, ServiceHandler, ServiceName } from './wire';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface EmulatorServerOptions {
  readonly handlers: Record<ServiceName, ServiceHandler>;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The loopback HTTP server: reads each request fully, routes it by the SigV4 credential-scope service,
 * applies the `onRequest` hook and injected faults, then lets the service handler answer.
 * Any unexpected exception becomes a 500 in the service's error shape; the process never crashes on input.
 */
export class EmulatorServer {
  private server: Server | undefined;
  private url: string | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: EmulatorServerOptions) {}

  /** `http://127.0.0.1:<port>`; throws before `start()`. */
  public get endpoint(): string {
    if (this.url === undefined) {
      throw new Error('AwsEmulator is not started');
    }
    return this.url;
  }

  public async start(): Promise<string> {
    if (this.url !== undefined) {
      return this.url;
    }
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.socket?.destroy());
    });
    server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Malformed HTTP framing: answer 400 like a real front end instead of emitting an unhandled error.
    server.on('clientError', (_err, socket) => {
      if (socket.writable) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Closes the listener and destroys every socket, including idle keep-alive and hung ones. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    this.url = undefined;
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { handlers, faults, log, clock, ids } = this.options;
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'application/json', 'connection': 'close' });
      res.end(JSON.stringify({ message: 'Request entity too large' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw: RawRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const requestId = ids.uuid('request');

    const scope = credentialScope(req.headers, url.searchParams);
    const service = SERVICE_NAMES.find(s => s === scope?.service);
    if (!service) {
      const status = scope ? 400 : 403;
      const code = scope ? 'UnknownServiceException' : 'MissingAuthenticationTokenException';
      log.add({ time: clock.now(), service: 'unknown', operation: 'Unknown', params: { scope: scope?.service }, status, errorCode: code });
      write(res, {
        status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
        body: JSON.stringify({ message: scope ? `The emulator does not serve service '${scope.service}'.` : 'Missing Authentication Token' }),
      });
      return;
    }

    const handler = handlers[service];
    const call = handler.decode(raw);
    const record = log.add({ time: clock.now(), service, operation: call.operation, params: call.params, status: 'pending', requestId });

    let action: HookAction | void = undefined;
    if (faults.onRequest) {
      try {
        action = await faults.onRequest(service, call.operation, call.params);
      } catch {
        action = 'drop';
      }
    }
    if (action === 'drop') {
      finishDropped(record, res);
      return;
    }
    if (action === 'hang') {
      // Leave the request unanswered; stop() destroys the socket.
      record.status = 'hung';
      record.injected = 'hook';
      return;
    }

    let result: HttpResult;
    const injected = faults.takeInjected(service, call.operation);
    if (injected) {
      const err = injected.kind === 'throttle' ? handler.throttlingError(injected.code)
        : injected.kind === 'reject' ? rejection(injected, raw.body)
          : handler.serverError(injected.status ?? 500);
      record.injected = injected.kind;
      record.errorCode = err.code;
      result = handler.renderError(err, requestId);
    } else {
      try {
        result = call.run(requestId);
      } catch (e) {
        const err = e instanceof ServiceError ? e : handler.serverError(500);
        record.errorCode = err.code;
        if (!(e instanceof ServiceError)) {
          record.emulatorBug = e instanceof Error ? e.stack ?? e.message : String(e);
        }
        result = handler.renderError(err, requestId);
      }
    }
    if (action === 'drop-after') {
      finishDropped(record, res);
      return;
    }
    record.status = result.status;
    write(res, {
      ...result,
      headers: { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId, ...result.headers },
    });
  }
}

/** The service error a `Faults.reject` armed, its message built from the request body when asked. */
function rejection(injected: InjectedError, body: Buffer): ServiceError {
  const message = typeof injected.message === 'function' ? injected.message(body.toString('utf8')) : injected.message ?? '';
  return new ServiceError(injected.status ?? 400, injected.code ?? 'BadRequestException', message);
}

function finishDropped(record: RequestRecord, res: ServerResponse): void {
  record.status = 'dropped';
  record.injected = 'hook';
  res.socket?.destroy();
}

function write(res: ServerResponse, result: HttpResult): void {
  if (res.destroyed || res.writableEnded) {
    return;
  }
  const body = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
  res.writeHead(result.status, { ...result.headers, 'content-length': String(body.length) });
  res.end(body);
}

/** Reads the whole body; undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooBig = true;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
