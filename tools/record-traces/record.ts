/**
 * Records real Kafka Connect worker logs and metrics for the replay tests (see README.md here).
 * Usage: npm run record-traces -- [--stacks 3.7.x,2.7.1] [--scenarios busy,stall,...] [--out test/fixtures/traces]
 */
import { execFileSync, type ChildProcess } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { CACHE, fetchBroker, fetchStack } from './fetch';
import { portOpen, restCall, startBroker, startWorker, type Worker } from './kafka';
import { Postgres } from './postgres';
import { Processes, sleep } from './processes';
import { Relay } from './relay';
import { connectorName, SCENARIOS, type Scenario, type ScenarioId } from './scenarios';
import { writeTrace, type MetricSample } from './trace-file';
import { BROKER_VERSION, STACKS, type Stack } from './versions';
import { asDelivered, mentions, readWorkerLog } from './worker-log';

const SAMPLE_MS = 10_000;
const FLUSH_INTERVAL_MS = 60_000;
const ROOT = path.join(__dirname, '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Run {
  readonly stack: Stack;
  readonly scenario: Scenario;
  readonly name: string;
  readonly pg: Postgres;
  readonly relay: Relay;
  readonly config: Record<string, string>;
  readonly actions: { t: number; action: string }[];
  readonly samples: MetricSample[];
  start: number;
  end: number;
  done: boolean;
}

type Beans = Record<string, Record<string, number | string | boolean | null>>;

/** The properties of a JMX object name (`domain:k=v,k=v`). */
function keys(objectName: string): Record<string, string> {
  return Object.fromEntries(objectName.slice(objectName.indexOf(':') + 1).split(',').map((kv) => kv.split('=') as [string, string]));
}

function bean(beans: Beans, domainType: string, match: Record<string, string>): Record<string, number | string | boolean | null> | undefined {
  const found = Object.entries(beans).find(([name]) => name.startsWith(domainType.split(',')[0])
    && Object.entries({ type: domainType.split('type=')[1], ...match }).every(([k, v]) => keys(name)[k] === v));
  return found?.[1];
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null);

function connectorConfig(stack: Stack, scenario: Scenario, name: string, relayPort: number): Record<string, string> {
  const slot = name.replace(/-/g, '_');
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': '127.0.0.1',
    'database.port': String(relayPort),
    'database.user': 'postgres',
    'database.password': 'postgres',
    'database.dbname': 'postgres',
    // Debezium 2.x names the server topic.prefix; 1.9 database.server.name.
    ...(stack.label === '2.7.1' ? { 'database.server.name': name } : { 'topic.prefix': name }),
    'plugin.name': 'pgoutput',
    'slot.name': slot,
    'publication.name': `dbz_${slot}`,
    'table.include.list': 'public.orders',
    ...(scenario.heartbeatIntervalMs ? { 'heartbeat.interval.ms': String(scenario.heartbeatIntervalMs) } : {}),
    ...(scenario.heartbeatIntervalMs && !scenario.noHeartbeatActionQuery ? {
      'heartbeat.action.query': 'INSERT INTO heartbeat (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    } : {}),
  };
}

async function main(): Promise<void> {
  const stacks = arg('stacks', '3.7.x,2.7.1').split(',').map((s) => {
    const stack = STACKS[s as Stack['label']];
    if (!stack) {
      throw new Error(`unknown stack ${s}: ${Object.keys(STACKS).join(', ')}`);
    }
    return stack;
  });
  // --minutes M (to try the recorder, never for committed traces): every scenario lasts M minutes, its incident at half.
  const minutes = Number(arg('minutes', '0'));
  const scenarios = arg('scenarios', Object.keys(SCENARIOS).join(',')).split(',').map((s): Scenario => {
    const scenario = SCENARIOS[s as ScenarioId];
    if (!scenario) {
      throw new Error(`unknown scenario ${s}: ${Object.keys(SCENARIOS).join(', ')}`);
    }
    return minutes > 0
      ? { ...scenario, durationMs: minutes * 60_000, incidentAtMs: scenario.incident ? minutes * 30_000 : undefined }
      : scenario;
  });
  const out = path.resolve(arg('out', path.join(ROOT, 'test', 'fixtures', 'traces')));
  if (!Postgres.installed()) {
    throw new Error('PostgreSQL is not installed: apt-get update && apt-get install -y postgresql');
  }
  const began = Date.now();
  const processes = new Processes();
  try {
    const brokerLib = fetchBroker();
    const fetched = new Map(stacks.map((s) => [s, fetchStack(s)]));
    // Under /tmp: the postgres user runs the clusters and cannot enter root's home.
    const runDir = path.join('/tmp', 'debezium-guard-traces', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    fs.mkdirSync(runDir, { recursive: true });
    fs.chmodSync(path.dirname(runDir), 0o755);
    fs.chmodSync(runDir, 0o755);
    console.log(`run directory: ${runDir} (cache: ${CACHE})`);
    // --port-offset N: a second recording beside a first one (its own broker, workers and databases).
    const offset = Number(arg('port-offset', '0'));
    for (const port of [19092, 19093, 18083, 18084, 19998, 19999].map((p) => p + offset)) {
      if (await portOpen(port)) {
        throw new Error(`port ${port} is in use: is another recording running?`);
      }
    }
    const bootstrap = await startBroker(processes, brokerLib, path.join(runDir, 'broker'), 19092 + offset);
    console.log(`broker ${BROKER_VERSION} up (${Math.round((Date.now() - began) / 1000)} s)`);

    const workers = new Map<Stack, Worker>();
    await Promise.all(stacks.map(async (stack, i) => {
      const { classPath, pluginPath } = fetched.get(stack)!;
      workers.set(stack, await startWorker(processes, {
        name: stack.label,
        libDir: classPath,
        pluginPath,
        dir: path.join(runDir, `worker-${stack.label}`),
        bootstrap,
        restPort: 18083 + offset + i,
        jmxPort: 19999 + offset - i,
        flushIntervalMs: FLUSH_INTERVAL_MS,
      }));
      console.log(`Kafka Connect ${stack.kafkaConnect} worker up (${Math.round((Date.now() - began) / 1000)} s)`);
    }));

    const runs: Run[] = [];
    let port = 25432 + offset;
    for (const stack of stacks) {
      for (const scenario of scenarios) {
        const name = connectorName(scenario.id);
        const pgPort = port++;
        const pg = new Postgres(processes, path.join(runDir, `pg-${stack.label}-${scenario.id}`), pgPort);
        const relay = new Relay(pgPort);
        const relayPort = pgPort + 1000;
        await relay.listen(relayPort);
        processes.onStop(() => relay.close());
        const config = connectorConfig(stack, scenario, name, relayPort);
        runs.push({ stack, scenario, name, pg, relay, config, actions: [], samples: [], start: 0, end: 0, done: false });
      }
    }
    await Promise.all(runs.map(async ({ pg }) => {
      await pg.start();
      pg.sql('CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, qty int NOT NULL, created timestamptz NOT NULL DEFAULT now());'
        + ' CREATE TABLE heartbeat (id int PRIMARY KEY, at timestamptz NOT NULL);'
        + " INSERT INTO orders (item, qty) SELECT 'seed-' || g, g FROM generate_series(1, 10) g;");
    }));
    const postgresVersion = runs[0].pg.sql('SHOW server_version').trim();
    console.log(`${runs.length} PostgreSQL ${postgresVersion} clusters up (${Math.round((Date.now() - began) / 1000)} s)`);

    // One JMX poller per worker; each read also asks the REST API for every connector's status.
    for (const [stack, worker] of workers) {
      const poller: ChildProcess = processes.start(`jmx ${stack.label}`, 'java', ['-Xmx64m', path.join(__dirname, 'JmxPoll.java'), String(worker.jmxPort), String(SAMPLE_MS)],
        { logFile: path.join(runDir, `jmx-${stack.label}.err`), pipeStdout: true });
      readline.createInterface({ input: poller.stdout! }).on('line', (line) => {
        void sample(runs.filter((r) => r.stack === stack), worker, JSON.parse(line) as { at: number; beans: Beans });
      });
    }

    // Start the scenarios 15 s apart, so that snapshots and task starts do not all land at once.
    const stagger = 15_000;
    await Promise.all(runs.map(async (run, i) => {
      await sleep(i * stagger);
      await play(run, workers.get(run.stack)!);
    }));
    const finished = Date.now();
    await processes.stopAll();

    for (const [stack, worker] of workers) {
      const records = readWorkerLog(worker.logFile);
      // MSK Connect names workers like Worker-0bb8afa0b01391c41.
      const workerId = `0${createHash('sha1').update(stack.label).digest('hex').slice(0, 16)}`;
      for (const run of runs.filter((r) => r.stack === stack)) {
        const kept = records.filter((r) => r.at >= run.start && r.at <= run.end && mentions(r, run.name) && !recorderRequest(r.lines[0]));
        const logs = kept.flatMap((r) => asDelivered(r, workerId).map((message) => ({ t: r.at - run.start, message })));
        const dir = path.join(out, stack.label, run.scenario.id);
        writeTrace(dir, {
          manifest: {
            scenario: run.scenario.id,
            description: run.scenario.description,
            kafkaConnectVersion: stack.label,
            versions: {
              kafkaConnect: stack.kafkaConnect,
              debeziumPostgres: stack.debezium,
              broker: BROKER_VERSION,
              postgres: postgresVersion,
              java: javaVersion(),
            },
            connectorName: run.name,
            startedAt: new Date(run.start).toISOString(),
            durationMs: run.end - run.start,
            timeScale: 1,
            worker: { 'mode': 'distributed', 'offset.flush.interval.ms': FLUSH_INTERVAL_MS, 'log level': 'INFO (root)', 'log layout': '[%d] %p %X{connector.context}%m (%c:%L)%n' },
            connectorConfig: { ...run.config, 'database.port': '(the relay)' },
            actions: run.actions,
            sampleIntervalMs: SAMPLE_MS,
            logFilter: 'Kept: every worker log record (all its lines) that names the connector (its MDC context, task ID, config dump or Debezium server name), '
              + 'each line one event as MSK Connect delivers it. Left out: records naming no connector (worker-wide lines) and those of the other scenarios\' connectors '
              + 'running on the same worker, and the REST server\'s access-log lines of the recorder\'s own GET /connectors/<name>/status polls. Every line the guard\'s offset-commit pattern can match names the connector, so none of those is left out.',
            notes: [
              `All scenarios of one Kafka Connect version ran at the same time on one worker, each with its own connector, PostgreSQL cluster and relay (${runs.length} connectors in all).`,
              'Inserts: one transaction of two rows every second, through a direct connection (not the relay).',
              'Metric samples every 10 s; MSK Connect publishes AWS/KafkaConnect per minute.',
            ],
          },
          logs,
          samples: run.samples,
        });
        console.log(`${stack.label}/${run.scenario.id}: ${logs.length} log events, ${run.samples.length} samples -> ${path.relative(ROOT, dir)}`);
      }
    }
    console.log(`recorded in ${Math.round((finished - began) / 1000)} s, total ${Math.round((Date.now() - began) / 1000)} s`);
  } finally {
    await processes.stopAll();
  }
}

/** The REST server's access-log line of one of the recorder's status polls (MSK Connect's workers see none). */
function recorderRequest(line: string): boolean {
  return /"GET \/connectors\/[^/ ]+\/status HTTP\/1\.1" \d+ .*"node"/.test(line);
}

function javaVersion(): string {
  return /version "([^"]+)"/.exec(execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
}

async function sample(runs: Run[], worker: Worker, read: { at: number; beans: Beans }): Promise<void> {
  await Promise.all(runs.filter((r) => r.start > 0 && !r.done).map(async (run) => {
    let status: { connector?: { state?: string }; tasks?: { id: number; state: string }[] } | undefined;
    try {
      status = await restCall(`${worker.rest}/connectors/${run.name}/status`) as typeof status;
    } catch {
      status = undefined;
    }
    const task = bean(read.beans, 'kafka.connect:type=source-task-metrics', { connector: run.name, task: '0' });
    const counts = bean(read.beans, 'kafka.connect:type=connect-worker-metrics', { connector: run.name });
    const dbz = bean(read.beans, 'debezium.postgres:type=connector-metrics', { context: 'streaming', server: run.name });
    run.samples.push({
      t: read.at - run.start,
      pollRate: num(task?.['source-record-poll-rate']),
      writeRate: num(task?.['source-record-write-rate']),
      runningTasks: num(counts?.['connector-running-task-count']),
      failedTasks: num(counts?.['connector-failed-task-count']),
      connectorState: status?.connector?.state ?? null,
      taskState: status?.tasks?.find((t) => t.id === 0)?.state ?? null,
      connected: num(dbz?.Connected),
      msSinceLastEvent: num(dbz?.MilliSecondsSinceLastEvent),
    });
  }));
}

async function play(run: Run, worker: Worker): Promise<void> {
  const { scenario, pg, name } = run;
  const say = (action: string) => {
    run.actions.push({ t: Date.now() - run.start, action });
    console.log(`  ${run.stack.label}/${scenario.id} +${Math.round((Date.now() - run.start) / 1000)} s: ${action}`);
  };
  let inserting = true;
  let n = 0;
  run.start = Date.now();
  await restCall(`${worker.rest}/connectors/${name}/config`, 'PUT', { name, ...run.config });
  say('connector created (PUT /connectors/<name>/config); inserts start: one transaction of two rows every second');
  const inserts = setInterval(() => {
    if (inserting) {
      n += 1;
      pg.send(`INSERT INTO orders (item, qty) VALUES ('item-${n}-a', ${n % 7}), ('item-${n}-b', ${n % 5});`);
    }
  }, 1000);
  try {
    if (scenario.incidentAtMs !== undefined) {
      await sleep(run.start + scenario.incidentAtMs - Date.now());
      switch (scenario.incident) {
        case 'relay-drop':
          run.relay.mode = 'drop';
          say('relay drops all traffic both ways, sockets left open (no FIN, no RST)');
          break;
        case 'server-stop':
          inserting = false;
          say('PostgreSQL server stop requested (fast shutdown: backends terminated); inserts stop');
          await pg.stopServer();
          say('PostgreSQL server stopped: the relay resets every new connection');
          break;
        case 'inserts-stop':
          inserting = false;
          say('inserts stop: the database is idle');
          break;
        case 'backend-terminate': {
          // Every connection but the inserts' psql (and this one): Debezium's replication and JDBC connections.
          const killed = pg.sql('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() '
            + "AND backend_type IN ('client backend', 'walsender') AND application_name <> 'psql'").trim();
          say(`pg_terminate_backend() of Debezium's ${killed} connections (replication and JDBC); the server stays up`);
          break;
        }
        case 'rest-restart':
          if (run.stack.label === '2.7.1') {
            await restCall(`${worker.rest}/connectors/${name}/restart`, 'POST');
            await restCall(`${worker.rest}/connectors/${name}/tasks/0/restart`, 'POST');
            say('POST /connectors/<name>/restart, then POST /connectors/<name>/tasks/0/restart (2.7.1 has no includeTasks)');
          } else {
            await restCall(`${worker.rest}/connectors/${name}/restart?includeTasks=true`, 'POST');
            say('POST /connectors/<name>/restart?includeTasks=true');
          }
          break;
      }
    }
    await sleep(run.start + scenario.durationMs - Date.now());
  } finally {
    clearInterval(inserts);
    run.end = Date.now();
    run.done = true;
    say('recording ends');
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
