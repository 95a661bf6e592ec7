import { DEMO } from '../../tools/simulate/profiles';
import { SCENARIOS } from '../../tools/simulate/scenarios';
import { simulate, type WallClock } from '../../tools/simulate/simulation';

jest.setTimeout(30_000);

const COMPRESSION = 5; // 1-s steps: 200 wall ms each
const DURATION = 30_000; // 30 steps: 6 wall seconds

/** A wall clock where each step costs busy(step) ms of work and sleeping takes exactly what was asked. */
function fakeWall(busy: (step: number) => number) {
  let t = 1_000;
  let calls = 0;
  const sleeps: number[] = [];
  const wall: WallClock = {
    // The first call is the run's start; each later one comes after a step's work.
    now: () => (t += calls++ === 0 ? 0 : busy(calls - 1)),
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { wall, sleeps, now: () => t };
}

async function paced(busy: (step: number) => number, durationMs = DURATION) {
  const fake = fakeWall(busy);
  const lines: string[] = [];
  const report = await simulate({
    profile: DEMO,
    scenario: SCENARIOS.find((s) => s.name === 'silent-stop')!,
    seed: 3,
    durationMs,
    compression: COMPRESSION,
    kafkaConnectVersion: '3.7.x',
    print: (l) => lines.push(l),
    wall: fake.wall,
  });
  return { ...fake, lines, report, steps: report.simulatedMs / DEMO.stepMs + 1 };
}

describe('pacing: sleeps until start + simulated / compression', () => {
  test('the work of a step is not added on top of its sleep', async () => {
    const run = await paced(() => 50);
    expect(run.steps).toBe(30);
    expect(run.sleeps).toEqual(Array(30).fill(150));
    expect(run.now() - 1_000).toBe(DURATION / COMPRESSION);
  });

  test('a slow step is caught up: the run ends on time', async () => {
    const run = await paced((step) => (step === 5 ? 1_000 : 50));
    expect(run.sleeps.length).toBeLessThan(30);
    expect(run.sleeps.every((ms) => ms > 0 && ms <= 150)).toBe(true);
    expect(run.now() - 1_000).toBe(DURATION / COMPRESSION);
  });

  test('a machine slower than the compression never sleeps', async () => {
    const run = await paced(() => 300);
    expect(run.sleeps).toEqual([]);
    expect(run.now() - 1_000).toBe(30 * 300);
  });

  test('pacing changes no output: same seed, same timeline and report as unpaced', async () => {
    const a = await paced((step) => (step % 7 === 0 ? 400 : 20), 90_000);
    const lines: string[] = [];
    const b = await simulate({
      profile: DEMO,
      scenario: SCENARIOS.find((s) => s.name === 'silent-stop')!,
      seed: 3,
      durationMs: 90_000,
      compression: 0,
      kafkaConnectVersion: '3.7.x',
      print: (l) => lines.push(l),
    });
    expect(a.report.incidents.length).toBeGreaterThan(0);
    expect(a.sleeps.length).toBeGreaterThan(0);
    expect(a.lines).toEqual(lines);
    expect(a.report).toEqual(b);
  });
});
