import { backoffMs } from '../../src/recovery/backoff';

const MIN = 60_000;

describe('backoffMs', () => {
  test.each([
    { case: 'no attempt yet in this incident: only the cooldown since the last attempt', attempts: 0, cooldownMs: 10 * MIN, expected: 10 * MIN },
    { case: 'no attempt yet in this incident, no cooldown: no wait', attempts: 0, cooldownMs: 0, expected: 0 },
    { case: 'negative attempt count is treated as none', attempts: -1, cooldownMs: 10 * MIN, expected: 10 * MIN },
    { case: 'after 1 attempt: 2 min (Strimzi)', attempts: 1, cooldownMs: 0, expected: 2 * MIN },
    { case: 'after 2 attempts: 6 min', attempts: 2, cooldownMs: 0, expected: 6 * MIN },
    { case: 'after 3 attempts: 12 min', attempts: 3, cooldownMs: 0, expected: 12 * MIN },
    { case: 'after 4 attempts: 20 min', attempts: 4, cooldownMs: 0, expected: 20 * MIN },
    { case: 'after 5 attempts: 30 min', attempts: 5, cooldownMs: 0, expected: 30 * MIN },
    { case: 'after 6 attempts: 42 min', attempts: 6, cooldownMs: 0, expected: 42 * MIN },
    { case: 'after 7 attempts: 56 min', attempts: 7, cooldownMs: 0, expected: 56 * MIN },
    { case: 'after 8 attempts: hourly', attempts: 8, cooldownMs: 0, expected: 60 * MIN },
    { case: 'after 100 attempts: still hourly', attempts: 100, cooldownMs: 0, expected: 60 * MIN },
    { case: 'cooldown floors a shorter Strimzi step', attempts: 1, cooldownMs: 5 * MIN, expected: 5 * MIN },
    { case: 'cooldown equal to the step changes nothing', attempts: 2, cooldownMs: 6 * MIN, expected: 6 * MIN },
    { case: 'cooldown shorter than the step is ignored', attempts: 3, cooldownMs: 5 * MIN, expected: 12 * MIN },
    { case: 'cooldown longer than an hour floors the hourly step', attempts: 9, cooldownMs: 90 * MIN, expected: 90 * MIN },
    { case: 'cooldown in seconds is kept exactly', attempts: 1, cooldownMs: 150_500, expected: 150_500 },
  ])('$case', ({ attempts, cooldownMs, expected }) => {
    expect(backoffMs(attempts, cooldownMs)).toBe(expected);
  });

  test('the schedule never decreases as attempts grow', () => {
    for (const cooldownMs of [0, MIN, 7 * MIN, 2 * 60 * MIN]) {
      let previous = -1;
      for (let attempts = 0; attempts <= 20; attempts++) {
        const wait = backoffMs(attempts, cooldownMs);
        expect(wait).toBeGreaterThanOrEqual(previous);
        if (attempts > 0) {
          expect(wait).toBeGreaterThanOrEqual(cooldownMs);
        }
        previous = wait;
      }
    }
  });
});
