import { execFileSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { waitFor, type Processes } from './processes';
import { POSTGRES_MAJOR } from './versions';

const BIN = `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;

/** One PostgreSQL cluster per scenario (so that stopping one database stops no other scenario), run as `postgres`. */
export class Postgres {
  public static installed(): boolean {
    return fs.existsSync(path.join(BIN, 'postgres'));
  }

  private server?: ChildProcess;
  private session?: ChildProcess;

  constructor(private readonly processes: Processes, private readonly dir: string, public readonly port: number) {}

  public async start(): Promise<void> {
    const data = path.join(this.dir, 'data');
    fs.mkdirSync(this.dir, { recursive: true });
    execFileSync('chown', ['-R', 'postgres:postgres', this.dir]);
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { stdio: 'ignore' });
    fs.appendFileSync(path.join(data, 'postgresql.conf'), [
      "listen_addresses = '127.0.0.1'", `port = ${this.port}`, "unix_socket_directories = ''",
      'wal_level = logical', 'max_wal_senders = 4', 'max_replication_slots = 4', 'shared_buffers = 32MB', '',
    ].join('\n'));
    this.server = this.processes.start(`postgres:${this.port}`, 'runuser', ['-u', 'postgres', '--', path.join(BIN, 'postgres'), '-D', data],
      { logFile: path.join(this.dir, 'postgres.log'), stopSignal: 'SIGINT' });
    await waitFor(`PostgreSQL on ${this.port}`, () => this.sql('SELECT 1').trim() === '1', 60_000);
  }

  /** Runs SQL with psql and returns its unaligned output. */
  public sql(statement: string): string {
    return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres', '-At', '-v', 'ON_ERROR_STOP=1', '-c', statement],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Sends a statement through one long-lived psql session (cheap enough to insert every second). */
  public send(statement: string): void {
    if (!this.session || this.session.exitCode !== null) {
      this.session = this.processes.start(`psql:${this.port}`, 'psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres', '-q'],
        { logFile: path.join(this.dir, 'psql.log') });
    }
    this.session.stdin?.write(`${statement}\n`);
  }

  /** Stops the server the way an operator or a failover would (fast shutdown: backends terminated). */
  public async stopServer(): Promise<void> {
    if (this.server) {
      await this.processes.stop(this.server, 'SIGINT', 30_000);
    }
  }
}
