import { spawn, type ChildProcess, type SpawnOptions } from 'child_process';
import * as fs from 'fs';

type StartOptions = SpawnOptions & { logFile: string; pipeStdout?: boolean; stopSignal?: NodeJS.Signals };

interface Started { readonly name: string; readonly child: ChildProcess; readonly stopSignal: NodeJS.Signals }

/**
 * Every process the recorder starts, each in its own process group, so that stopping it stops
 * what it started too. `stopAll` runs on normal exit, on an error and on SIGINT / SIGTERM / SIGHUP.
 */
export class Processes {
  private readonly started: Started[] = [];
  private stopping?: Promise<void>;
  private readonly cleanups: (() => void | Promise<void>)[] = [];

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        console.error(`\n${signal}: stopping everything the recorder started`);
        void this.stopAll().finally(() => process.exit(130));
      });
    }
  }

  /** Starts `command` in a new process group; stdout and stderr go to `logFile` unless `pipeStdout`. */
  public start(name: string, command: string, args: string[], options: StartOptions): ChildProcess {
    if (this.stopping) {
      throw new Error(`not starting ${name}: the recorder is stopping`);
    }
    const log = fs.openSync(options.logFile, 'a');
    const child = spawn(command, args, { ...options, detached: true, stdio: ['pipe', options.pipeStdout ? 'pipe' : log, log] });
    fs.closeSync(log);
    child.on('exit', (code, signal) => {
      if (!this.stopping) {
        console.log(`  (${name} exited: ${signal ?? code})`);
      }
    });
    child.stdin?.on('error', () => undefined);
    this.started.push({ name, child, stopSignal: options.stopSignal ?? 'SIGTERM' });
    return child;
  }

  /** Something to undo at the end that is not a process (a cluster directory, a relay's sockets). */
  public onStop(cleanup: () => void | Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Stops one process group: its stop signal, then SIGKILL after `graceMs`. */
  public async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    kill(child.pid, signal);
    const timer = setTimeout(() => kill(child.pid!, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    kill(child.pid, 'SIGKILL'); // whatever the group leader left behind
  }

  public stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const cleanup of this.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (e) {
          console.error(`cleanup failed: ${String(e)}`);
        }
      }
      // The worker first (it talks to the others), then the rest, the broker last.
      await Promise.all([...this.started].reverse().map((s) => this.stop(s.child, s.stopSignal)));
    })();
    return this.stopping;
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check` resolves true, polling every second, or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if (await check()) {
        return;
      }
    } catch {
      // not yet
    }
    await sleep(1000);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
