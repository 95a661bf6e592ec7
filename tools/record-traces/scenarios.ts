const S = 1000;
const MIN = 60 * S;

export type ScenarioId = 'busy' | 'stall' | 'database-gone' | 'idle-without-heartbeats' | 'idle-with-heartbeats' | 'rest-restart'
  | 'stall-with-heartbeats' | 'stall-with-heartbeats-no-action-query' | 'backend-terminated';

/** What the recorder does to one connector, and when (ms after the connector was created). */
export interface Scenario {
  readonly id: ScenarioId;
  readonly description: string;
  /** Recording length from the connector's creation. */
  readonly durationMs: number;
  /** When the incident happens, if there is one. */
  readonly incidentAtMs?: number;
  readonly incident?: 'relay-drop' | 'server-stop' | 'inserts-stop' | 'rest-restart' | 'backend-terminate';
  /** Debezium heartbeats (heartbeat.interval.ms). */
  readonly heartbeatIntervalMs?: number;
  /** With heartbeats, no heartbeat.action.query (the default is one that writes to a heartbeat table). */
  readonly noHeartbeatActionQuery?: boolean;
}

/** Every scenario runs steady inserts (one transaction of two rows a second) until its incident says otherwise. */
const INCIDENT = 5 * MIN;
/** Long enough for the default alarms (the slowest: 5 of 5 one-minute periods) to decide, plus a margin. */
const AFTER = 10 * MIN;

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  'busy': { id: 'busy', description: 'steady inserts, healthy', durationMs: 12 * MIN },
  'stall': {
    id: 'stall',
    description: 'steady inserts; the relay between Debezium and PostgreSQL silently drops all traffic (no FIN, no RST) from the incident on',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'relay-drop',
  },
  'database-gone': {
    id: 'database-gone',
    description: 'steady inserts; the PostgreSQL server is stopped (fast shutdown: backends terminated, connections refused) at the incident',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'server-stop',
  },
  'idle-without-heartbeats': {
    id: 'idle-without-heartbeats',
    description: 'steady inserts until the incident, then no change at all; no heartbeats',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'inserts-stop',
  },
  'idle-with-heartbeats': {
    id: 'idle-with-heartbeats',
    description: 'steady inserts until the incident, then no change; heartbeat.interval.ms=30000 with a heartbeat.action.query',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'inserts-stop',
    heartbeatIntervalMs: 30 * S,
  },
  'stall-with-heartbeats': {
    id: 'stall-with-heartbeats',
    description: 'as stall, with heartbeat.interval.ms=30000 and a heartbeat.action.query (the recommended configuration)',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'relay-drop',
    heartbeatIntervalMs: 30 * S,
  },
  'stall-with-heartbeats-no-action-query': {
    id: 'stall-with-heartbeats-no-action-query',
    description: 'as stall, with heartbeat.interval.ms=30000 and no heartbeat.action.query',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'relay-drop',
    heartbeatIntervalMs: 30 * S,
    noHeartbeatActionQuery: true,
  },
  'backend-terminated': {
    id: 'backend-terminated',
    description: 'steady inserts; pg_terminate_backend() of every Debezium connection (replication and JDBC) at the incident; the server stays up',
    durationMs: INCIDENT + AFTER,
    incidentAtMs: INCIDENT,
    incident: 'backend-terminate',
  },
  'rest-restart': {
    id: 'rest-restart',
    description: 'steady inserts; the connector and its task are restarted through the Connect REST API at the incident',
    durationMs: 12 * MIN,
    incidentAtMs: INCIDENT,
    incident: 'rest-restart',
  },
};

/**
 * The connector's name in a scenario. `orders-stall-with-heartbeats` is a prefix of another's: the
 * worker log is split by whole names (worker-log.ts), and the replay's guard excludes nothing, as
 * with one connector per log group.
 */
export const connectorName = (id: ScenarioId) => `orders-${id}`;
