import { parseArgs, run } from '../../tools/simulate/cli';

// Whole simulations, as in cli.test.ts; a suite of their own so that the two run side by side.
jest.setTimeout(60_000);

describe('--json runs (no wall time)', () => {
  test('--json: one JSON document with the options used, the incidents as in the table, no timeline', async () => {
    const text: string[] = [];
    const textStatus = await run(parseArgs(['--compression', '0', '--duration', '150']) as any, (l) => text.push(l), () => false);
    const out: string[] = [];
    const status = await run(parseArgs(['--json', '--duration', '150']) as any, (l) => out.push(l), () => false);
    expect(out).toHaveLength(1);
    const doc = JSON.parse(out[0]);
    expect(Object.keys(doc)).toEqual(['options', 'incidents', 'summary', 'violations', 'comparison', 'interrupted', 'exitStatus']);
    // Without --compression, --json runs as fast as possible.
    expect(doc.options).toEqual({ scenario: 'mixed', seed: 7, timing: 'demo', kafkaConnectVersion: '3.7.x', durationSeconds: 150, compression: 0, pollSeconds: 10 });
    expect(status).toBe(textStatus);
    expect(doc).toMatchObject({ violations: [], comparison: null, interrupted: false, exitStatus: status });
    expect(doc.incidents.length).toBeGreaterThanOrEqual(2);
    expect(doc.summary).toMatchObject({
      incidents: doc.incidents.length, recovered: doc.incidents.length, inProgress: 0, falseAlarms: 0, incidentsWithOffsetsLost: 0,
    });
    // Each incident says what its table row says.
    const rows = text.filter((l) => /^#\d+ /.test(l));
    expect(rows).toHaveLength(doc.incidents.length);
    doc.incidents.forEach((i: any, n: number) => {
      expect(i).toMatchObject({ id: n + 1, outcome: 'recovered', actions: ['restart'], action: 'restart', offsets: { kept: true } });
      expect(i.offsets.after).toBeGreaterThanOrEqual(i.offsets.before);
      expect(i.detectedAfterSeconds).toBeLessThanOrEqual(20);
      expect(rows[n].split(/ {2,}/)).toEqual([
        `#${i.id}`, i.failure, `${i.detectedAfterSeconds} s (${i.detectedAfterPolls} polls)`, `${i.recoveredAfterSeconds} s`, i.action,
        `yes (${i.offsets.before} -> ${i.offsets.after})`,
      ]);
    });
    // Same seed, same document.
    const again: string[] = [];
    await run(parseArgs(['--json', '--duration', '150']) as any, (l) => again.push(l), () => false);
    expect(again).toEqual(out);
  });

  test('--json --timing aws: the seed approach\'s comparison is in the document', async () => {
    const out: string[] = [];
    const status = await run(parseArgs(['--json', '--timing', 'aws', '--duration', String(3 * 3600)]) as any, (l) => out.push(l), () => false);
    const doc = JSON.parse(out.join('\n'));
    expect(status).toBe(0);
    expect(doc.options).toMatchObject({ timing: 'aws', durationSeconds: 3 * 3600, pollSeconds: 60, compression: 0 });
    const seed = doc.comparison.seedApproach;
    expect(seed.incidents.map((i: any) => [i.failure, i.failedAtSeconds])).toEqual(doc.incidents.map((i: any) => [i.failure, i.failedAtSeconds]));
    expect(seed.incidents.every((i: any) => i.actions.includes('delete') && i.actions.includes('create'))).toBe(true);
    expect(seed.summary.incidentsWithOffsetsLost).toBeGreaterThan(0);
    expect(doc.summary.incidentsWithOffsetsLost).toBe(0);
    expect(doc.summary.medianTimeToRecoverSeconds).toBeLessThan(seed.summary.medianTimeToRecoverSeconds);
    // The time-to-recover ratio, as the text prints it (guard median / seed median).
    const ratio = doc.summary.medianTimeToRecoverSeconds / seed.summary.medianTimeToRecoverSeconds;
    expect(doc.comparison.timeToRecoverRatio).toBe(Math.round(ratio * 1000) / 1000);
    expect(doc.comparison.timeToRecoverRatio).toBeLessThanOrEqual(1 / 3);
  });
});
