/** A duration as the guard words it, in notices and log reasons alike: whole minutes, else seconds. */
export function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
