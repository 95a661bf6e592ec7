/**
 * Delay before the next recovery attempt, after the previous one.
 *
 * The schedule is Strimzi's connector auto-restart backoff (0, 2, 6, 12, 20, 30, 42, 56 minutes,
 * then hourly) over the attempts of the current incident, floored by the guard's cooldown so that
 * two attempts are never closer than it.
 *
 * @param attemptsSoFar attempts already made for the current incident
 * @param cooldownMs minimum gap between two attempts
 */
export function backoffMs(attemptsSoFar: number, cooldownMs: number): number {
  if (attemptsSoFar <= 0) {
    return cooldownMs;
  }
  const minutes = attemptsSoFar < STRIMZI_MINUTES.length ? STRIMZI_MINUTES[attemptsSoFar] : 60;
  return Math.max(cooldownMs, minutes * 60_000);
}

/** n * (n + 1) minutes: Strimzi's `ConnectorRestartBackoff` steps. */
const STRIMZI_MINUTES = [0, 2, 6, 12, 20, 30, 42, 56];
