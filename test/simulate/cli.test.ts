import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, run, USAGE } from '../../tools/simulate/cli';
import { AWS, DEMO } from '../../tools/simulate/profiles';
import { SCENARIOS } from '../../tools/simulate/scenarios';
import { simulate } from '../../tools/simulate/simulation';

// Whole simulations (CDK synthesis plus hundreds of handler runs against the emulator): seconds, not milliseconds.
jest.setTimeout(60_000);

const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;
const quick = { seed: 42, durationMs: DEMO.durationMs, compression: 0, kafkaConnectVersion: '3.7.x' as const, profile: DEMO };

describe('options', () => {
  test('defaults reproduce the seed demo', () => {
    expect(parseArgs([])).toEqual({ timing: 'demo', scenario: scenario('mixed'), seed: 7, durationMs: undefined, compression: undefined, kafkaConnectVersion: '3.7.x', json: false });
  });

  test('every option, both spellings', () => {
    expect(parseArgs(['--scenario', 'failed-task', '--seed=7', '--duration', '60', '--compression=0', '--timing', 'aws', '--kafka-connect', '2.7.1', '--json'])).toEqual({
      timing: 'aws', scenario: scenario('failed-task'), seed: 7, durationMs: 60_000, compression: 0, kafkaConnectVersion: '2.7.1', json: true,
    });
  });

  test.each([
    { args: ['--scenario', 'meteor'], message: '--scenario must be one of mixed, silent-stop, connected-drop, failed-task, restart-does-not-help, flapping, crash-loop, log-delivery-gap, slow-trickle, idle-with-heartbeats, idle-without-heartbeats, got "meteor"' },
    { args: ['--seed', 'abc'], message: '--seed must be a number >= 0, got "abc"' },
    { args: ['--seed', '1.5'], message: '--seed must be a whole number, got 1.5' },
    { args: ['--duration', '0'], message: '--duration must be a number >= 1, got "0"' },
    { args: ['--timing', 'fast'], message: '--timing must be demo or aws, got "fast"' },
    { args: ['--kafka-connect', '4.0'], message: '--kafka-connect must be 3.7.x or 2.7.1, got "4.0"' },
    { args: ['--seed'], message: '--seed needs a value' },
    { args: ['--verbose'], message: 'unknown option "--verbose"' },
    { args: ['--json=true'], message: '--json takes no value' },
  ])('$args.0 $args.1: usage error', ({ args, message }) => {
    expect(() => parseArgs(args)).toThrow(message);
  });

  test('--help', () => {
    expect(parseArgs(['--help'])).toBe('help');
    expect(USAGE).toContain('--scenario <name>');
    expect(USAGE).toMatch(/^ {2}--json {18}print no timeline and no table, but one JSON document/m);
  });

  test('--json is a flag: it takes no value and leaves the next argument alone', () => {
    expect(parseArgs(['--json', '--seed', '3'])).toMatchObject({ json: true, seed: 3 });
    expect(parseArgs(['--seed', '3', '--json'])).toMatchObject({ json: true, seed: 3 });
    expect(parseArgs(['--seed', '3'])).toMatchObject({ json: false });
  });
});

describe('simulation runs (compressed to no wall time)', () => {
  test('the default run: incidents detected within two polls, recovered by restart, offsets kept; same seed, same output', async () => {
    const lines: string[] = [];
    const status = await run({ ...parseArgs(['--compression', '0']) as any }, (l) => lines.push(l), () => false);
    const again: string[] = [];
    await run({ ...parseArgs(['--compression', '0']) as any }, (l) => again.push(l), () => false);
    expect(status).toBe(0);
    expect(again).toEqual(lines);
    expect(lines.join('\n')).toContain('[Monitor  ] ALARM!');
    expect(lines.join('\n')).toContain('[Lambda   ] RESTART');
    expect(lines.join('\n')).toMatch(/\d incident\(s\), \d recovered/);
    // The README's captured output is this run, line for line (its header names the default 5x pacing).
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const capture = /Captured from `npm run simulate`[\s\S]*?```text\n([\s\S]*?)\n```/.exec(readme)![1].split('\n');
    expect(capture[0]).toBe(`${lines[0]} at 5x (40 s wall)`);
    expect(capture.slice(1)).toEqual(lines.slice(1));
  });

  test.each(['silent-stop', 'connected-drop', 'failed-task'])('%s: every incident recovered, offsets kept, no invariant broken', async (name) => {
    const report = await simulate({ ...quick, scenario: scenario(name) });
    expect(report.incidents.length).toBeGreaterThanOrEqual(2);
    for (const i of report.incidents) {
      expect(i.detectedAt! - i.failedAt).toBeLessThanOrEqual(20_000); // within two 10-s polls
      expect(i.recoveredAt).toBeDefined();
      expect(i.offsetAfter!).toBeGreaterThanOrEqual(i.offsetBefore);
    }
    expect(report.violations).toEqual([]);
  });

  test('a restart that does not help: re-created, offsets kept through the worker configuration', async () => {
    const report = await simulate({ ...quick, scenario: scenario('restart-does-not-help') });
    expect(report.incidents[0].actions).toEqual(['restart', 'delete', 'create']);
    expect(report.incidents.every((i) => i.recoveredAt !== undefined && i.offsetAfter! >= i.offsetBefore)).toBe(true);
  });

  test('idle database with heartbeats: no alarm, no action', async () => {
    const report = await simulate({ ...quick, scenario: scenario('idle-with-heartbeats') });
    expect(report).toMatchObject({ incidents: [], falseAlarms: 0, actionsOutsideIncidents: [] });
  });

  test('idle database without heartbeats: the guard sees it as dead (false alarms, restarts)', async () => {
    const report = await simulate({ ...quick, scenario: scenario('idle-without-heartbeats') });
    expect(report.falseAlarms).toBeGreaterThan(0);
    expect(report.actionsOutsideIncidents).toContain('restart');
  });

  test('crash loop: a task that fails and comes back is detected and restarted; a running spell in between is not a recovery', async () => {
    const report = await simulate({ ...quick, scenario: scenario('crash-loop') });
    expect(report.incidents.length).toBeGreaterThanOrEqual(2);
    for (const i of report.incidents) {
      expect(i.selfHealed).toBeUndefined();
      expect(i.detectedAt).toBeDefined();
      expect(i.actions[0]).toBe('restart');
      expect(i.offsetAfter!).toBeGreaterThanOrEqual(i.offsetBefore);
    }
    expect(report.violations).toEqual([]);
  });

  test('log-delivery gap: worker logs stop while the connector produces: a WARNING per gap, no alarm, no action', async () => {
    const lines: string[] = [];
    const status = await run({ ...parseArgs(['--compression', '0', '--scenario', 'log-delivery-gap']) as any }, (l) => lines.push(l), () => false);
    const text = lines.join('\n');
    expect(status).toBe(0);
    expect(text).not.toContain('ALARM!');
    expect(text).not.toContain('[Lambda   ]');
    expect(text).toContain('[SNS      ] [WARNING] orders-cdc: worker logs stopped arriving; the connector is producing (not an incident: no action)');
    expect(text).toContain('[SNS      ] [OK] orders-cdc: worker logs arriving again');
    expect(text).toMatch(/^worker-log delivery gap at \d\d:\d\d for 40 s: warned after \d+ s, no action \(the native metrics showed production\)$/m);
    expect(text).not.toContain('incident  failure'); // no empty incident table
    const report = await simulate({ ...quick, scenario: scenario('log-delivery-gap') });
    expect(report).toMatchObject({ incidents: [], falseAlarms: 0, actionsOutsideIncidents: [], violations: [] });
    expect(report.logGaps.length).toBeGreaterThan(0);
    expect(report.logGaps.every((g) => g.warnedAt !== undefined)).toBe(true);
  });

  test('slow trickle of changes, no heartbeats: no alarm, no action, and the run says so', async () => {
    const lines: string[] = [];
    await run({ ...parseArgs(['--compression', '0', '--scenario', 'slow-trickle']) as any }, (l) => lines.push(l), () => false);
    expect(lines.slice(-4)).toEqual([
      'no failure injected; 0 alarm(s), 0 action(s).',
      'notices sent: none',
      '',
      'What this shows: a connector that keeps producing a record now and then (changes or heartbeats) stays quiet: no alarm, no action.',
    ]);
  });

  test('idle without heartbeats: prints the notices sent and what the run shows (enable heartbeats), not an empty incident table', async () => {
    const lines: string[] = [];
    await run({ ...parseArgs(['--compression', '0', '--scenario', 'idle-without-heartbeats']) as any }, (l) => lines.push(l), () => false);
    const text = lines.join('\n');
    expect(text).not.toContain('incident  failure');
    expect(text).toMatch(/^no failure injected; [1-9]\d* alarm\(s\), \d+ action\(s\) \(restart/m);
    expect(text).toMatch(/^notices sent: [1-9]\d* by CloudWatch, \d+ by the recovery function:$/m);
    expect(text).toContain('  00:00 ALARM: "orders-cdc-debezium-guard" (CloudWatch, to the topic)');
    expect(lines.at(-1)).toBe('heartbeats (heartbeat.interval.ms=30000, plus heartbeat.action.query for PostgreSQL): see the idle-with-heartbeats scenario.');
    expect(text).toContain('Enable Debezium');
  });

  test('flapping: stalls shorter than the window heal by themselves, nothing is restarted', async () => {
    const report = await simulate({ ...quick, scenario: scenario('flapping') });
    expect(report.incidents.length).toBeGreaterThan(0);
    expect(report.incidents.every((i) => i.selfHealed && i.actions.length === 0)).toBe(true);
  });

  test('Kafka Connect 2.7.1: the guard counts "Finished commitOffsets successfully" and still detects a silent stop', async () => {
    const report = await simulate({ ...quick, scenario: scenario('silent-stop'), kafkaConnectVersion: '2.7.1' });
    expect(report.incidents.every((i) => i.detectedAt !== undefined && i.recoveredAt !== undefined)).toBe(true);
  });

  test('Ctrl+C: stops with the summary so far, status 130', async () => {
    const lines: string[] = [];
    let polls = 0;
    const status = await run({ ...parseArgs(['--compression', '0']) as any }, (l) => lines.push(l), () => ++polls > 30);
    expect(status).toBe(130);
    expect(lines.at(-1)).toBe('interrupted: the summary above covers the run so far');
  });

  test('Ctrl+C during an incident: labelled in progress (interrupted), not NOT RECOVERED', async () => {
    // Seed 7 fails at 00:30 and is detected at 00:40: interrupted at 00:35, the incident is in flight.
    const lines: string[] = [];
    let polls = 0;
    const status = await run({ ...parseArgs(['--compression', '0']) as any }, (l) => lines.push(l), () => ++polls > 35);
    const text = lines.join('\n');
    expect(status).toBe(130);
    expect(text).toMatch(/^#1 +silent-stop +- +in progress \(interrupted\) +none +-$/m);
    expect(text).not.toContain('NOT RECOVERED');
    expect(text).toContain('1 incident(s), 0 recovered, 0 healed by themselves, 1 in progress (interrupted);');

    const json: string[] = [];
    polls = 0;
    expect(await run(parseArgs(['--json']) as any, (l) => json.push(l), () => ++polls > 35)).toBe(130);
    const doc = JSON.parse(json.join('\n'));
    expect(doc).toMatchObject({ interrupted: true, exitStatus: 130, comparison: null, summary: { incidents: 1, recovered: 0, inProgress: 1 } });
    expect(doc.incidents).toEqual([expect.objectContaining({ id: 1, failure: 'silent-stop', outcome: 'in progress (interrupted)', recoveredAfterSeconds: null })]);
  });

  test('AWS timing model: the guard recovers faster than the seed approach and keeps offsets', async () => {
    const lines: string[] = [];
    const status = await run({ ...parseArgs(['--timing', 'aws', '--duration', String(3 * 3600)]) as any }, (l) => lines.push(l), () => false);
    const text = lines.join('\n');
    expect(status).toBe(0);
    expect(text).toMatch(/median time to recover: guard \d+ min( \d+ s)?, seed approach \d+ min( \d+ s)? \(ratio 0\.\d{3}\)$/m);
    expect(text).toMatch(/offsets lost: guard 0, seed approach [1-9]\d* of/);
    expect(AWS.compression).toBe(0);
  });
});
