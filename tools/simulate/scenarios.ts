/** How the simulated connector fails. */
export type FailureKind = 'silent-stop' | 'connected-drop' | 'failed-task' | 'restart-does-not-help' | 'flapping' | 'crash-loop' | 'log-delivery-gap';

/** A named scenario: which failures happen, and whether the source database is idle. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Failures drawn (seeded) for each incident; empty: none injected. */
  readonly failures: readonly FailureKind[];
  /** The source database has no writes: only heartbeats (if any) move offsets. */
  readonly idle: boolean;
  readonly heartbeats: boolean;
  /** A slow trickle of changes (a few a minute at most) instead of a busy database. */
  readonly trickle?: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'mixed', description: 'silent stops, Connected=0 and failed tasks, drawn at random (the default)', failures: ['silent-stop', 'connected-drop', 'failed-task'], idle: false, heartbeats: true },
  { name: 'silent-stop', description: 'RUNNING, Connected=1, no error: it just stops reading (DBZ-9755)', failures: ['silent-stop'], idle: false, heartbeats: true },
  { name: 'connected-drop', description: 'the connection to the source drops: Connected=0, still RUNNING', failures: ['connected-drop'], idle: false, heartbeats: true },
  { name: 'failed-task', description: 'a task dies (ErroredTaskCount=1) while the connector says RUNNING', failures: ['failed-task'], idle: false, heartbeats: true },
  { name: 'restart-does-not-help', description: 'a silent stop that survives restarts: the guard must re-create', failures: ['restart-does-not-help'], idle: false, heartbeats: true },
  { name: 'flapping', description: 'short stalls that heal by themselves before the window ends', failures: ['flapping'], idle: false, heartbeats: true },
  { name: 'crash-loop', description: 'a task fails and comes back again and again, each failure shorter than the task alarms\' window', failures: ['crash-loop'], idle: false, heartbeats: true },
  { name: 'log-delivery-gap', description: 'worker logs stop arriving while the connector produces: a warning, never a restart', failures: ['log-delivery-gap'], idle: false, heartbeats: true },
  { name: 'slow-trickle', description: 'a change every 20-50 s, no heartbeats: nothing should happen', failures: [], idle: false, heartbeats: false, trickle: true },
  { name: 'idle-with-heartbeats', description: 'an idle database with Debezium heartbeats: nothing should happen', failures: [], idle: true, heartbeats: true },
  { name: 'idle-without-heartbeats', description: 'an idle database without heartbeats: the guard cannot tell idle from dead (false alarms)', failures: [], idle: true, heartbeats: false },
];
