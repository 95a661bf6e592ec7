/**
 * `npm run simulate`: the seed demo's local simulation, rebuilt on the guard's real parts.
 * Connector, monitor and recovery run together on a compressed clock; the monitor evaluates the
 * guard's synthesized alarms, the recovery is the bundled handler against the loopback emulator.
 */
import { linePainter } from './colour';
import { AWS, DEMO, SEED_ON_AWS, type TimingProfile } from './profiles';
import { exitStatus, jsonReport, renderComparison, renderReport } from './report';
import { SCENARIOS, type Scenario } from './scenarios';
import { formatDuration, simulate, type SimulationReport } from './simulation';
import { renderTraceReport, traceReport } from './trace-report';

export interface CliOptions {
  readonly timing: 'demo' | 'aws';
  readonly scenario: Scenario;
  readonly seed: number;
  readonly durationMs?: number;
  readonly compression?: number;
  readonly kafkaConnectVersion: '2.7.1' | '3.7.x';
  /** Print one JSON document (options, incidents, violations, comparison, exit status) instead of the timeline and tables. */
  readonly json: boolean;
  /** A recorded trace's folder, replayed instead of the simulated connector. */
  readonly trace?: string;
}

export const USAGE = `usage: npm run simulate -- [options]

  --scenario <name>       ${SCENARIOS.map((s) => s.name).join(' | ')} (default: mixed)
  --seed <n>              random seed; the same seed gives the same run (default: 7)
  --duration <seconds>    simulated seconds (default: 200 with --timing demo, 28800 with --timing aws)
  --compression <x>       simulated seconds per wall second; 0 = as fast as possible
                          (default: 5 with --timing demo, 0 with --timing aws or --json)
  --timing <model>        demo: the seed's pace (10 s alarm periods, API answers in seconds)
                          aws:  AWS timings (1 min periods, restart 1.5 min, delete 4, create 5),
                                with the seed's delete-and-recreate approach side by side
  --kafka-connect <v>     3.7.x | 2.7.1: which worker log lines the connector writes (default: 3.7.x)
  --json                  print no timeline and no table, but one JSON document: the options used,
                          the incidents, invariant violations, the seed comparison (--timing aws)
                          and the exit status; the exit status is the same as without it
  --trace <dir>           replay a trace recorded from a real Kafka Connect worker (npm run
                          record-traces; e.g. test/fixtures/traces/3.7.x/stall) through the guard's
                          synthesized filter and alarms instead of the simulated connector; only
                          --json goes with it
  --help                  this text

scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(24)}${s.description}`).join('\n')}`;

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with a message for anything wrong. */
export function parseArgs(argv: string[]): CliOptions | 'help' {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      return 'help';
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag, inline] = arg.split('=', 2);
    if (flag === '--json') {
      throw new UsageError('--json takes no value');
    }
    if (!['--scenario', '--seed', '--duration', '--compression', '--timing', '--kafka-connect', '--trace'].includes(flag)) {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      throw new UsageError(`${flag} needs a value`);
    }
    values.set(flag, value);
  }
  const number = (flag: string, min: number): number | undefined => {
    const raw = values.get(flag);
    if (raw === undefined) {
      return undefined;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) {
      throw new UsageError(`${flag} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const trace = values.get('--trace');
  if (trace !== undefined && values.size > 1) {
    throw new UsageError(`--trace replays a recorded trace as it happened: only --json goes with it, got ${[...values.keys()].filter((f) => f !== '--trace').join(', ')}`);
  }
  const scenarioName = values.get('--scenario') ?? 'mixed';
  const scenario = SCENARIOS.find((s) => s.name === scenarioName);
  if (!scenario) {
    throw new UsageError(`--scenario must be one of ${SCENARIOS.map((s) => s.name).join(', ')}, got ${JSON.stringify(scenarioName)}`);
  }
  const timing = values.get('--timing') ?? 'demo';
  if (timing !== 'demo' && timing !== 'aws') {
    throw new UsageError(`--timing must be demo or aws, got ${JSON.stringify(timing)}`);
  }
  const version = values.get('--kafka-connect') ?? '3.7.x';
  if (version !== '3.7.x' && version !== '2.7.1') {
    throw new UsageError(`--kafka-connect must be 3.7.x or 2.7.1, got ${JSON.stringify(version)}`);
  }
  const seed = number('--seed', 0) ?? 7;
  if (!Number.isInteger(seed)) {
    throw new UsageError(`--seed must be a whole number, got ${seed}`);
  }
  const duration = number('--duration', 1);
  return {
    timing,
    scenario,
    seed,
    durationMs: duration === undefined ? undefined : duration * 1000,
    compression: number('--compression', 0),
    kafkaConnectVersion: version,
    json,
    ...(trace === undefined ? {} : { trace }),
  };
}

/** Runs the simulation as the CLI does; returns the exit status. */
export async function run(options: CliOptions, print: (line: string) => void, interrupted: () => boolean): Promise<number> {
  if (options.trace !== undefined) {
    const report = traceReport(options.trace);
    (options.json ? [JSON.stringify(report, null, 2)] : renderTraceReport(report)).forEach((line) => print(line));
    return 0;
  }
  const profile: TimingProfile = options.timing === 'aws' ? AWS : DEMO;
  const durationMs = options.durationMs ?? profile.durationMs;
  // Pacing is for watching the timeline: with --json there is none, so it runs as fast as possible unless told otherwise.
  const compression = options.compression ?? (options.json ? 0 : profile.compression);
  const pollMs = profile.stepMs * Math.round((options.timing === 'aws' ? 60_000 : 10_000) / profile.stepMs);
  // With --json, nothing but the document at the end.
  const text = options.json ? () => undefined : print;
  text(`cdk-debezium-guard simulation: scenario ${options.scenario.name}, seed ${options.seed}, Kafka Connect ${options.kafkaConnectVersion}, `
    + `${options.timing} timing, ${formatDuration(durationMs)} simulated${compression > 0 ? ` at ${compression}x (${formatDuration(durationMs / compression)} wall)` : ''}`);
  text(`the monitor polls the guard's synthesized alarms every ${formatDuration(pollMs)}; the recovery is the bundled handler against the local emulator`);
  text('');
  const common = { scenario: options.scenario, seed: options.seed, durationMs, kafkaConnectVersion: options.kafkaConnectVersion, interrupted };
  const ours = await simulate({ ...common, profile, compression, print: options.json ? undefined : print });
  text('');
  for (const line of renderReport(ours, pollMs)) {
    text(line);
  }
  let seed: SimulationReport | undefined;
  if (options.timing === 'aws' && !ours.interrupted) {
    text('');
    text('The same incidents under the AWS timing model, recovered by the seed demo\'s approach (delete + re-create on every alarm, default offsets topic):');
    seed = await simulate({ ...common, profile: SEED_ON_AWS, compression: 0 });
    text('');
    for (const line of renderComparison(ours, seed)) {
      text(line);
    }
  }
  const status = exitStatus(ours);
  if (options.json) {
    const used = {
      scenario: options.scenario.name,
      seed: options.seed,
      timing: options.timing,
      kafkaConnectVersion: options.kafkaConnectVersion,
      durationSeconds: durationMs / 1000,
      compression,
      pollSeconds: pollMs / 1000,
    };
    print(JSON.stringify(jsonReport(used, ours, pollMs, seed), null, 2));
  } else if (ours.interrupted) {
    print('');
    print('interrupted: the summary above covers the run so far');
  }
  return status;
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`simulate: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // The AWS SDK warns, on Node 20, that its releases from 2027 need Node 22: printed
  // in the middle of the timeline, it says nothing about the simulation. This switch silences only that warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let stop = false;
  process.on('SIGINT', () => {
    stop = true;
  });
  const paint = linePainter({ isTTY: process.stdout.isTTY, env: process.env, json: options.json });
  const status = await run(options, (line) => process.stdout.write(`${paint(line)}\n`), () => stop);
  process.exit(status);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`simulate: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
