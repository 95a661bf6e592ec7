import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { waitFor, type Processes } from './processes';

/**
 * The worker's log layout: apache/kafka's connect-log4j.properties (`[%d] %p %X{connector.context}%m
 * (%c:%L)%n`), which MSK Connect's worker log events show after their `[Worker-<id>] ` prefix.
 */
export const WORKER_LOG_PATTERN = '[%d] %p %X{connector.context}%m (%c:%L)%n';

function log4j(file: string, level: string): string {
  return [
    `log4j.rootLogger=${level}, file`,
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${file}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.file.layout.ConversionPattern=${WORKER_LOG_PATTERN}`,
    // As apache/kafka's connect-log4j.properties.
    'log4j.logger.org.reflections=ERROR',
    'log4j.logger.org.apache.zookeeper=ERROR',
    '',
  ].join('\n');
}

const properties = (p: Record<string, string | number>) => `${Object.entries(p).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
const classPath = (...dirs: string[]) => dirs.map((d) => path.join(d, '*')).join(':');
const JAVA_COMMON = ['-Duser.timezone=UTC', '-Djava.awt.headless=true', '-XX:+UseSerialGC'];

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A single-node KRaft broker (and controller) on loopback. */
export async function startBroker(processes: Processes, libDir: string, dir: string, port: number): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'server.properties');
  fs.writeFileSync(config, properties({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${port + 1}`,
    'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
  }));
  fs.writeFileSync(path.join(dir, 'log4j.properties'), log4j(path.join(dir, 'broker.log'), 'WARN'));
  let clusterId = '';
  while (!/^[A-Za-z0-9]/.test(clusterId)) {
    clusterId = randomBytes(16).toString('base64url');
  }
  const java = ['-cp', classPath(libDir), ...JAVA_COMMON, `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`];
  execFileSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], { stdio: 'ignore' });
  processes.start('broker', 'java', ['-Xmx512m', ...java, 'kafka.Kafka', config], { logFile: path.join(dir, 'broker.out') });
  await waitFor('the broker', () => portOpen(port), 90_000);
  return `127.0.0.1:${port}`;
}

export interface Worker {
  readonly rest: string;
  readonly logFile: string;
  readonly jmxPort: number;
}

/** A Kafka Connect worker in distributed mode, its REST API and JMX on loopback. */
export async function startWorker(processes: Processes, options: {
  name: string; libDir: string; pluginPath: string; dir: string; bootstrap: string; restPort: number; jmxPort: number; flushIntervalMs: number;
}): Promise<Worker> {
  const { dir, name } = options;
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'worker.properties');
  fs.writeFileSync(config, properties({
    'bootstrap.servers': options.bootstrap,
    'group.id': `traces-${name}`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter.schemas.enable': 'false',
    'offset.storage.topic': `traces-${name}-offsets`,
    'config.storage.topic': `traces-${name}-configs`,
    'status.storage.topic': `traces-${name}-status`,
    'offset.storage.replication.factor': 1,
    'config.storage.replication.factor': 1,
    'status.storage.replication.factor': 1,
    'offset.storage.partitions': 1,
    'status.storage.partitions': 1,
    'offset.flush.interval.ms': options.flushIntervalMs,
    'listeners': `http://127.0.0.1:${options.restPort}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': options.restPort,
    'plugin.path': options.pluginPath,
  }));
  const logFile = path.join(dir, 'worker.log');
  fs.writeFileSync(path.join(dir, 'log4j.properties'), log4j(logFile, 'INFO'));
  const jmx = [
    '-Dcom.sun.management.jmxremote', `-Dcom.sun.management.jmxremote.port=${options.jmxPort}`, `-Dcom.sun.management.jmxremote.rmi.port=${options.jmxPort}`,
    '-Dcom.sun.management.jmxremote.authenticate=false', '-Dcom.sun.management.jmxremote.ssl=false', '-Dcom.sun.management.jmxremote.host=127.0.0.1',
    '-Djava.rmi.server.hostname=127.0.0.1',
  ];
  processes.start(`worker ${name}`, 'java', ['-Xmx768m', '-cp', classPath(options.libDir), ...JAVA_COMMON, ...jmx,
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`, 'org.apache.kafka.connect.cli.ConnectDistributed', config],
  { logFile: path.join(dir, 'worker.out') });
  const rest = `http://127.0.0.1:${options.restPort}`;
  await waitFor(`the ${name} worker's REST API`, async () => (await fetch(`${rest}/connector-plugins`)).ok, 180_000);
  return { rest, logFile, jmxPort: options.jmxPort };
}

/** A Connect REST call; throws on an HTTP error. */
export async function restCall(url: string, method = 'GET', body?: unknown): Promise<unknown> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${url}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}
