import * as net from 'net';

export type RelayMode = 'forward' | 'drop';

/**
 * A TCP relay on loopback between Debezium and PostgreSQL. In `drop` mode it stops forwarding in
 * both directions without closing anything: bytes are read and discarded, no FIN, no RST, new
 * connections are accepted and black-holed too — what a NAT gateway's idle timeout looks like to
 * both ends (DBZ-9755).
 */
export class Relay {
  public mode: RelayMode = 'forward';
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly upstreamPort: number) {
    this.server = net.createServer((client) => this.accept(client));
  }

  public listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'drop') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    this.track(upstream);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (this.mode === 'forward' && !to.destroyed) {
          to.write(chunk);
        }
      });
      from.on('end', () => {
        if (this.mode === 'forward') {
          to.end();
        }
      });
      from.on('close', (hadError) => {
        if (this.mode === 'forward') {
          if (hadError) {
            to.resetAndDestroy();
          } else {
            to.end();
          }
        }
      });
    };
    pipe(client, upstream);
    pipe(upstream, client);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  public close(): Promise<void> {
    for (const s of this.sockets) {
      s.destroy();
    }
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
