import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BROKER_VERSION, type Stack } from './versions';

/** Where everything fetched or run lives: outside the repository. */
export const CACHE = process.env.TRACES_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache', 'debezium-guard-traces');

interface Artifact { readonly coordinates: string; readonly excludeKafka?: boolean }

function pom(artifacts: Artifact[]): string {
  const deps = artifacts.map(({ coordinates, excludeKafka }) => {
    const [groupId, artifactId, version] = coordinates.split(':');
    const exclusions = excludeKafka
      ? '<exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>*</artifactId></exclusion></exclusions>'
      : '';
    return `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version>${exclusions}</dependency>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.traces</groupId><artifactId>fetch</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>${deps.join('\n')}</dependencies></project>
`;
}

/** Copies the artifacts and their runtime dependencies into `dir` (once: an existing, complete dir is reused). */
function copy(dir: string, artifacts: Artifact[]): string {
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) {
    return dir;
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), pom(artifacts));
  console.log(`fetching ${artifacts.map((a) => a.coordinates).join(', ')} with Maven`);
  execFileSync('mvn', ['-q', '-B', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${path.join(dir, 'lib')}`], { stdio: 'inherit' });
  fs.writeFileSync(done, new Date().toISOString());
  return dir;
}

/** The broker's class path (Kafka in KRaft mode). */
export function fetchBroker(): string {
  return path.join(copy(path.join(CACHE, `kafka-${BROKER_VERSION}`), [
    { coordinates: `org.apache.kafka:kafka_2.13:${BROKER_VERSION}` },
    { coordinates: 'org.slf4j:slf4j-reload4j:1.7.36' },
    { coordinates: 'ch.qos.reload4j:reload4j:1.2.25' },
  ]), 'lib');
}

/** The worker's class path and its plugin.path (Debezium PostgreSQL in its own directory). */
export function fetchStack(stack: Stack): { classPath: string; pluginPath: string } {
  const worker = copy(path.join(CACHE, `connect-${stack.kafkaConnect}`), [
    { coordinates: `org.apache.kafka:connect-runtime:${stack.kafkaConnect}` },
    { coordinates: `org.apache.kafka:connect-json:${stack.kafkaConnect}` },
    { coordinates: `org.apache.kafka:connect-transforms:${stack.kafkaConnect}` },
    { coordinates: stack.logBinding.slf4j },
    { coordinates: stack.logBinding.log4j },
  ]);
  const plugins = path.join(CACHE, `plugins-debezium-${stack.debezium}`);
  copy(path.join(plugins, 'debezium-connector-postgres'), [
    { coordinates: `io.debezium:debezium-connector-postgres:${stack.debezium}`, excludeKafka: true },
  ]);
  return { classPath: path.join(worker, 'lib'), pluginPath: plugins };
}
