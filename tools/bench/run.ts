/**
 * `npm run bench`: the figures in docs/BENCHMARKS.md. Every figure is measured here, in one run,
 * on this machine; nothing is a timed unit test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { deflateRawSync } from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FLEET_MEMBER_TARGET_USD, fleetMemberMonthlyCost, fleetMonthlyCost, monthlyCost } from './cost';
import { DebeziumGuardFleet, DebeziumSilentFailureGuard } from '../../src';
import { FleetWorld } from '../../test/e2e/fleet-harness';
import { FakeClock, type ServiceName } from '../emulator';
import { AWS, SEED_ON_AWS } from '../simulate/profiles';
import { median } from '../simulate/report';
import { SCENARIOS } from '../simulate/scenarios';
import { formatDuration, simulate, type SimulationReport } from '../simulate/simulation';
import { RECOVERY_BUNDLE } from '../simulate/world';

const RUNS = 11;

function stats(values: number[]): string {
  return `median ${median(values).toFixed(1)}, min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}`;
}

/** Time to `require` a module set in a fresh node process (ms), measured inside that process. */
function initTime(requires: string[]): number {
  const script = `const t=process.hrtime.bigint();${requires.map((r) => `require(${JSON.stringify(r)});`).join('')}`
    + 'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const out = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (out.status !== 0) {
    throw new Error(out.stderr);
  }
  return Number(out.stdout);
}

/** A stack of `n` quick-start guards, each alone or (`fleet`) all members of one fleet. */
function stackWithGuards(n: number, fleet = false): Stack {
  // CDK refuses to synthesize more than 500 resources; lift that here to time more guards anyway.
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'ap-northeast-2' } });
  const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'connector-configs');
  const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/msk-connect');
  const members = fleet ? new DebeziumGuardFleet(stack, 'Fleet', { alertEmails: ['oncall@example.com'] }) : undefined;
  for (let i = 0; i < n; i++) {
    new DebeziumSilentFailureGuard(stack, `Guard${i}`, {
      connectorArn: `arn:aws:kafkaconnect:ap-northeast-2:123456789012:connector/cdc-${i}/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3`,
      configBucket: bucket,
      configKey: `debezium/cdc-${i}.json`,
      workerLogGroup: logs.LogGroup.fromLogGroupName(stack, `Logs${i}`, `/msk-connect/cdc-${i}`),
      serviceExecutionRole: role,
      ...(members ? { fleet: members } : { alertEmails: ['oncall@example.com'] }),
    });
  }
  return stack;
}

function synthMs(n: number, fleet = false): { ms: number; resources: number } {
  const t = process.hrtime.bigint();
  const stack = stackWithGuards(n, fleet);
  const template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, resources: Object.keys(template.Resources).length };
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const out = (l = '') => {
    lines.push(l);
    process.stdout.write(`${l}\n`);
  };
  out(`# cdk-debezium-guard benchmarks (node ${process.version}, ${RUNS} runs each unless said)`);

  // 1. Handler asset
  const code = fs.readFileSync(RECOVERY_BUNDLE);
  out();
  out('## Recovery function asset');
  out(`bundle: ${(code.length / 1024).toFixed(1)} KiB, deflated (what the zip holds): ${(deflateRawSync(code, { level: 9 }).length / 1024).toFixed(1)} KiB`);
  const bundled: number[] = [];
  const unbundled: number[] = [];
  const sdk = ['@aws-sdk/client-kafkaconnect', '@aws-sdk/client-s3', '@aws-sdk/client-sns', '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge', '@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics'];
  initTime([RECOVERY_BUNDLE]);
  initTime(sdk); // warm the file cache for both
  for (let i = 0; i < RUNS; i++) {
    bundled.push(initTime([RECOVERY_BUNDLE]));
    unbundled.push(initTime(sdk));
  }
  out(`cold init, require() in a fresh process (ms): bundle ${stats(bundled)}; the same SDK clients unbundled from node_modules ${stats(unbundled)}`);

  // 2. Synthesis
  out();
  out('## Synthesis (in-process, quick-start guards, each in a fresh App)');
  synthMs(1); // warm-up: module loading and JIT
  const perGuard: number[] = [];
  for (const n of [1, 10, 30]) {
    const runs = Array.from({ length: n === 30 ? 3 : 5 }, () => synthMs(n));
    const resources = runs[0].resources;
    perGuard.push(resources / n);
    out(`${String(n).padStart(2)} guard(s), ${runs.length} runs: ${stats(runs.map((r) => r.ms))} ms; ${resources} resources (${(resources / n).toFixed(0)} per guard)`);
  }
  const resourcesPerGuard = Math.max(...perGuard);
  out(`most guards per stack under CloudFormation's 500-resource limit: ${Math.floor(500 / resourcesPerGuard)} (quick start; each optional alarm, rule or dashboard adds one;`
    + ` one topic shared through the \`topic\` prop saves 2 per guard: ${Math.floor(500 / (resourcesPerGuard - 2))})`);

  // 3. A fleet
  out();
  out('## A fleet (in-process synthesis, quick-start members of one DebeziumGuardFleet, each in a fresh App)');
  synthMs(2, true);
  const fleetRuns = new Map<number, { ms: number; resources: number }[]>();
  for (const n of [1, 10, 50, 100]) {
    const runs = Array.from({ length: n >= 50 ? 3 : 5 }, () => synthMs(n, true));
    fleetRuns.set(n, runs);
    out(`${String(n).padStart(3)} member(s), ${runs.length} runs: ${stats(runs.map((r) => r.ms))} ms; ${runs[0].resources} resources`);
  }
  const resourcesOf = (n: number) => fleetRuns.get(n)![0].resources;
  const perMember = (resourcesOf(100) - resourcesOf(1)) / 99;
  const shared = resourcesOf(1) - perMember;
  const msPerMember = (n: number) => median(fleetRuns.get(n)!.map((r) => r.ms)) / n;
  const most = Math.floor((500 - shared) / perMember);
  out(`per member: ${perMember.toFixed(0)} resources (metric filter; stall, tasks and offset-commit alarms); shared: ${shared.toFixed(0)} (function, role, log group, table, tick, topic, member policies)`);
  out(`100 members: ${resourcesOf(100)} resources; most members per stack under CloudFormation's 500-resource limit: ${most} (target 100: ${most >= 100 ? 'met' : 'not met'})`);
  out(`synthesis per member: ${msPerMember(10).toFixed(1)} ms at 10, ${msPerMember(50).toFixed(1)} ms at 50, ${msPerMember(100).toFixed(1)} ms at 100 (linear when these agree)`);
  const memberCost = fleetMemberMonthlyCost();
  const memberTotal = memberCost[memberCost.length - 1].usd;
  out(`monthly cost per connector added to a fleet (us-east-1 public prices; target ${FLEET_MEMBER_TARGET_USD.toFixed(2)} USD: ${memberTotal <= FLEET_MEMBER_TARGET_USD ? 'met' : 'not met'}):`);
  for (const row of memberCost) {
    out(`  ${row.item.padEnd(96)} ${row.usd.toFixed(3).padStart(7)} USD`);
  }

  // A healthy fleet's ticks: the bundled function, real SDK clients, the loopback emulator.
  const clock = new FakeClock();
  const world = await FleetWorld.start({ clock, size: 100, concurrency: 4 });
  try {
    world.seedIdleRecords();
    const tickMs: number[] = [];
    for (let minute = 0; minute < 60; minute++) {
      clock.advance(60_000);
      const t = process.hrtime.bigint();
      await world.tick();
      tickMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const { requests } = world.emulator;
    const perTick = (service: ServiceName, operation?: string) => requests.of(service, operation).length / 60;
    const writes = requests.of('dynamodb', 'PutItem').length;
    out(`healthy fleet of 100 members, every one with a record, over 60 ticks: per tick ${perTick('monitoring', 'DescribeAlarms')} DescribeAlarms, `
      + `${perTick('dynamodb', 'Scan')} Scan, ${perTick('kafkaconnect')} MSK Connect calls, ${writes / 60} DynamoDB writes, ${perTick('sns')} notices: `
      + `${(requests.of('kafkaconnect').length + writes) / 6000} MSK Connect calls and writes per connector-minute`);
    out(`a healthy tick against the emulator (ms): ${stats(tickMs)}`);
    const recordsKb = Math.ceil(world.names.length * 120 / 1024);
    out('monthly cost of the fleet\'s shared tick (100 ms a run assumed, as for one guard):');
    for (const row of fleetMonthlyCost(100, recordsKb, world.names.length)) {
      out(`  ${row.item.padEnd(96)} ${row.usd.toFixed(3).padStart(7)} USD`);
    }
  } finally {
    await world.stop();
  }

  // 4. Recovery under the AWS timing model
  out();
  out('## Time to recover under the AWS timing model (simulated: 24 h, mixed failures, seed 9)');
  const common = { scenario: SCENARIOS[0], seed: 9, durationMs: 24 * 3600_000, compression: 0, kafkaConnectVersion: '3.7.x' as const };
  const ours = await simulate({ ...common, profile: AWS });
  const seed = await simulate({ ...common, profile: SEED_ON_AWS });
  const mttr = (r: SimulationReport) => {
    const t = r.incidents.filter((i) => i.recoveredAt !== undefined).map((i) => i.recoveredAt! - i.failedAt);
    return `median ${formatDuration(median(t))}, max ${formatDuration(Math.max(...t))} over ${t.length} incidents`;
  };
  const lost = (r: SimulationReport) => r.incidents.filter((i) => i.offsetAfter !== undefined && i.offsetAfter < i.offsetBefore).length;
  out(`guard (restart first):          ${mttr(ours)}; offsets lost in ${lost(ours)}`);
  out(`seed (delete + re-create):      ${mttr(seed)}; offsets lost in ${lost(seed)}`);

  // 5. Cost
  out();
  out('## Monthly cost per guard (us-east-1 public prices, see docs/BENCHMARKS.md)');
  for (const row of monthlyCost()) {
    out(`${row.item.padEnd(58)} ${row.usd.toFixed(3).padStart(7)} USD`);
  }
  if (process.env.BENCH_OUT) {
    fs.writeFileSync(process.env.BENCH_OUT, `${lines.join('\n')}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
