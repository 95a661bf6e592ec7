import { FakeClock } from '../../src/emulator';
import { GuardWorld, type WorldOptions } from '../../src/simulate/world';

export const MINUTE = 60_000;

/** A world on a fake clock with AWS-like API durations (restart 1 min, delete 1 min, create 2 min). */
export async function startWorld(options: Partial<WorldOptions> = {}): Promise<{ world: GuardWorld; clock: FakeClock }> {
  const clock = new FakeClock();
  const world = await GuardWorld.start({
    clock,
    durations: { restartMs: MINUTE, restartPendingMs: 5_000, deleteMs: MINUTE, createMs: 2 * MINUTE },
    ...options,
  });
  return { world, clock };
}

/**
 * Plays the reconcile tick once a simulated minute until `done()` holds, as EventBridge would.
 * `monitor` runs before each tick: tests use it to play CloudWatch (e.g. clear the alarm once the
 * connector processes again).
 */
export async function tickUntil(
  world: GuardWorld, clock: FakeClock, done: () => boolean, monitor: () => void = () => undefined, maxMinutes = 90,
): Promise<number> {
  for (let minute = 0; minute < maxMinutes; minute++) {
    monitor();
    if (done()) {
      return minute;
    }
    clock.advance(MINUTE);
    monitor();
    await world.tick();
  }
  throw new Error(`not done after ${maxMinutes} simulated minutes; phase notices: ${world.notices().map((n) => n.subject).join(' | ')}`);
}

/** CloudWatch, simplified: the alarm is OK exactly when the connector is RUNNING and processing. */
export function alarmFollowsHealth(world: GuardWorld): () => void {
  return () => world.setAlarm(world.emulator.kafkaconnect.isProcessing(world.connectorName) ? 'OK' : 'ALARM');
}
