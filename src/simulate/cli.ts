/**
 * `npm run simulate`: the seed demo's local simulation, rebuilt on the guard's real parts.
 * Connector, monitor and recovery run together on a compressed clock; the monitor evaluates the
 * guard's synthesized alarms, the recovery is the bundled handler against the loopback emulator.
 */
import { AWS, DEMO, SEED_ON_AWS, type TimingProfile } from './profiles';
import { renderComparison, renderReport } from './report';
import { SCENARIOS, type Scenario } from './scenarios';
import { formatDuration, simulate, type SimulationReport } from './simulation';

export interface CliOptions {
  readonly timing: 'demo' | 'aws';
  readonly scenario: Scenario;
  readonly seed: number;
  readonly durationMs?: number;
  readonly compression?: number;
  readonly kafkaConnectVersion: '2.7.1' | '3.7.x';
}

export const USAGE = `usage: npm run simulate -- [options]

  --scenario <name>       ${SCENARIOS.map((s) => s.name).join(' | ')} (default: mixed)
  --seed <n>              random seed; the same seed gives the same run (default: 7)
  --duration <seconds>    simulated seconds (default: 200 with --timing demo, 28800 with --timing aws)
  --compression <x>       simulated seconds per wall second; 0 = as fast as possible
                          (default: 5 with --timing demo, 0 with --timing aws)
  --timing <model>        demo: the seed's pace (10 s alarm periods, API answers in seconds)
                          aws:  AWS timings (1 min periods, restart 1.5 min, delete 4, create 5),
                                with the seed's delete-and-recreate approach side by side
  --kafka-connect <v>     3.7.x | 2.7.1: which worker log lines the connector writes (default: 3.7.x)
  --help                  this text

scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(24)}${s.description}`).join('\n')}`;

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with a message for anything wrong. */
export function parseArgs(argv: string[]): CliOptions | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      return 'help';
    }
    const [flag, inline] = arg.split('=', 2);
    if (!['--scenario', '--seed', '--duration', '--compression', '--timing', '--kafka-connect'].includes(flag)) {
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
  };
}

/** Runs the simulation as the CLI does; returns the exit status. */
export async function run(options: CliOptions, print: (line: string) => void, interrupted: () => boolean): Promise<number> {
  const profile: TimingProfile = options.timing === 'aws' ? AWS : DEMO;
  const durationMs = options.durationMs ?? profile.durationMs;
  const compression = options.compression ?? profile.compression;
  const pollMs = profile.stepMs * Math.round((options.timing === 'aws' ? 60_000 : 10_000) / profile.stepMs);
  print(`cdk-debezium-guard simulation: scenario ${options.scenario.name}, seed ${options.seed}, Kafka Connect ${options.kafkaConnectVersion}, `
    + `${options.timing} timing, ${formatDuration(durationMs)} simulated${compression > 0 ? ` at ${compression}x (${formatDuration(durationMs / compression)} wall)` : ''}`);
  print(`the monitor polls the guard's synthesized alarms every ${formatDuration(pollMs)}; the recovery is the bundled handler against the local emulator`);
  print('');
  const common = { scenario: options.scenario, seed: options.seed, durationMs, kafkaConnectVersion: options.kafkaConnectVersion, interrupted };
  const ours = await simulate({ ...common, profile, compression, print });
  print('');
  for (const line of renderReport(ours, pollMs)) {
    print(line);
  }
  let seed: SimulationReport | undefined;
  if (options.timing === 'aws' && !ours.interrupted) {
    print('');
    print('The same incidents under the AWS timing model, recovered by the seed demo\'s approach (delete + re-create on every alarm, default offsets topic):');
    seed = await simulate({ ...common, profile: SEED_ON_AWS, compression: 0 });
    print('');
    for (const line of renderComparison(ours, seed)) {
      print(line);
    }
  }
  if (ours.interrupted) {
    print('');
    print('interrupted: the summary above covers the run so far');
    return 130;
  }
  const unrecovered = ours.incidents.filter((i) => i.recoveredAt === undefined && !i.selfHealed);
  return unrecovered.length > 0 || ours.violations.length > 0 ? 1 : 0;
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
  let stop = false;
  process.on('SIGINT', () => {
    stop = true;
  });
  const status = await run(options, (line) => process.stdout.write(`${line}\n`), () => stop);
  process.exit(status);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`simulate: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
