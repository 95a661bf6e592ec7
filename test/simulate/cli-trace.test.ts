import * as path from 'path';
import { parseArgs, run, UsageError, USAGE } from '../../tools/simulate/cli';

/** `npm run simulate -- --trace <dir>`: a trace recorded from a real worker instead of the simulated connector. */

const STALL = path.join(__dirname, '..', 'fixtures', 'traces', '3.7.x', 'stall');
const BUSY = path.join(__dirname, '..', 'fixtures', 'traces', '2.7.1', 'busy');

async function lines(args: string[]): Promise<{ status: number; out: string[] }> {
  const out: string[] = [];
  const status = await run(parseArgs(args) as any, (l) => out.push(l), () => false);
  return { status, out };
}

describe('--trace', () => {
  test('takes a folder, alone or with --json, and is in the usage text', () => {
    expect(parseArgs(['--trace', STALL])).toMatchObject({ trace: STALL, json: false });
    expect(parseArgs(['--json', `--trace=${STALL}`])).toMatchObject({ trace: STALL, json: true });
    expect(() => parseArgs(['--trace', STALL, '--seed', '3'])).toThrow(new UsageError(
      '--trace replays a recorded trace as it happened: only --json goes with it, got --seed'));
    expect(USAGE).toContain('--trace <dir>');
  });

  test('a recorded silent stall: the composite alarm 160 s after the relay dropped (at 5 min), from the gap and no-production alarms', async () => {
    const { status, out } = await lines(['--trace', STALL]);
    expect(status).toBe(0);
    expect(out[0]).toMatch(/^cdk-debezium-guard simulation: recorded trace .*stall \(scenario stall, Kafka Connect 3\.7\.x; kafkaConnect 3\.7\.2, debeziumPostgres 2\.7\.4\.Final/);
    expect(out).toContain('     5 min  relay drops all traffic both ways, sockets left open (no FIN, no RST)');
    expect(out).toContain('composite alarm: ALARM at 7 min 40 s (OffsetCommitGap, NoProduction)');
    expect(out).toContain('log-delivery warning: never');
  });

  test('a recorded busy 2.7.1 worker stays quiet; --json gives the same as one document, without the connector configuration', async () => {
    const { out } = await lines(['--trace', BUSY]);
    expect(out).toContain('composite alarm: quiet for the whole trace');
    expect(out).toContain('  none');
    const json = await lines(['--trace', STALL, '--json']);
    expect(json.out).toHaveLength(1);
    const report = JSON.parse(json.out[0]);
    expect(report).toMatchObject({ scenario: 'stall', kafkaConnectVersion: '3.7.x', compositeAlarmAtSeconds: 460, firing: ['OffsetCommitGap', 'NoProduction'] });
    expect(json.out[0]).not.toMatch(/password|connectorConfig/);
  });
});
