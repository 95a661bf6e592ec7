/**
 * The recovery function: one reconcile run per invocation (alarm event, tick, schedule or manual).
 * Wiring only; the policy is in decide.ts, the AWS calls in aws.lambda-shared.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import {
  CompositeAlarmReader, createClients, type AwsClients, DynamoStateStore, EventBridgeRuleReader, MemberAlarmReader, MetricOffsetCommitCounter,
  MskConnectApi, S3ConfigSource, SnsNotifier, unqualifiedFunctionArn,
} from './aws.lambda-shared';
import { CONNECTOR_FIELD, RECOVERY_LEASE_MS, RECOVERY_SERVICE_NAME } from './constants';
import { drill, type DrillResult } from './drill-run';
import { AwsFleetDirectory } from './fleet-directory.lambda-shared';
import { fleetRun, type FleetMember, type FleetRunSummary } from './fleet-run';
import { isFleet, readFleetConfig, readHandlerConfig } from './handler-config';
import { ACCEPTED_EVENTS, connectorOf, eventShape, triggerOf } from './invocation';
import type { AlarmReader, Clock, Notifier, Ports, Telemetry } from './ports';
import { reconcile, type RunSummary } from './reconcile';


/** What a test or the local simulation may replace; the Lambda uses the defaults. */
export interface HandlerOverrides {
  readonly clock?: Clock;
  readonly env?: Record<string, string | undefined>;
  readonly clients?: AwsClients;
}

/** What the handler reads of Lambda's context; a test or the local simulation gives the request ID, and the rest when it has them. */
export type InvocationContext = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis' | 'invokedFunctionArn'>>;

/** Builds a handler; `handler` below is the one Lambda calls. */
export function createHandler(
  overrides: HandlerOverrides = {},
): (event: unknown, context?: InvocationContext) => Promise<RunSummary | DrillResult | FleetRunSummary> {
  const env = overrides.env ?? process.env;
  const clock = overrides.clock ?? { now: () => Date.now() };
  const logger = new Logger({ serviceName: RECOVERY_SERVICE_NAME });
  let clients = overrides.clients;
  let runs = 0;
  return async (event, context) => {
    const trigger = triggerOf(event);
    if (trigger === undefined) {
      // An error, not a quiet return: the recovery-errors alarm then tells a human that someone invokes
      // the function with what it does not handle.
      logger.error('refusing an event the guard does not handle', { event: eventShape(event) });
      throw new Error(`unrecognised event; the recovery function accepts ${ACCEPTED_EVENTS}`);
    }
    runs += 1;
    const runId = context?.awsRequestId ?? `local-${process.pid}-${runs}`;
    // The drill reads the rules that target the function by its own ARN (only Lambda's context knows it).
    const functionArn = context?.invokedFunctionArn ? unqualifiedFunctionArn(context.invokedFunctionArn) : undefined;
    if (isFleet(env)) {
      const fleet = readFleetConfig(env);
      const connector = connectorOf(event);
      if (trigger === 'SCHEDULED_RESTART' || (trigger !== 'TICK' && connector === undefined)) {
        logger.error('refusing an event a fleet does not handle', { event: eventShape(event) });
        throw new Error(`a fleet's function takes ${trigger === 'SCHEDULED_RESTART' ? 'no scheduled restart'
          : `an event that names the connector: a guard alarm's state change, or {"action":"...","${CONNECTOR_FIELD}":"<connector name>"}`}`);
      }
      const fleetClients = clients ??= createClients(env);
      const telemetry = telemetryOf(logger, fleet.metricsNamespace);
      const directory = new AwsFleetDirectory(fleetClients.cloudWatch, fleetClients.dynamoDb, fleet.stateTable, fleet.fleetId);
      const portsFor = (member: FleetMember, notifier: Notifier): Ports => portsOf(fleetClients, {
        ...member, alarm: new MemberAlarmReader(fleetClients.cloudWatch, member.connectorName), stateTable: fleet.stateTable, notifier, functionArn,
      }, clock, memberTelemetry(telemetry, member.connectorName));
      return fleetRun(directory, portsFor, new SnsNotifier(fleetClients.sns, fleet.topicArn), telemetry, {
        settings: fleet.settings,
        trigger,
        connector,
        runId,
        leaseMs: RECOVERY_LEASE_MS,
        concurrency: fleet.concurrency,
        now: clock.now(),
        remainingMs: context?.getRemainingTimeInMillis ? () => context.getRemainingTimeInMillis!() : undefined,
      });
    }
    const config = readHandlerConfig(env);
    clients ??= createClients(env);
    logger.appendKeys({ connectorName: config.settings.connectorName });
    const telemetry = telemetryOf(logger, config.metricsNamespace);
    const ports = portsOf(clients, {
      ...config,
      connectorName: config.settings.connectorName,
      notifier: new SnsNotifier(clients.sns, config.topicArn),
      alarm: new CompositeAlarmReader(clients.cloudWatch, config.alarmName),
      functionArn,
    }, clock, telemetry);
    if (trigger === 'DRILL') {
      // Read-only: no lease, no record written, no restart, delete or create; one notice.
      return drill(ports, { settings: config.settings, serviceExecutionRoleArn: config.serviceExecutionRoleArn, alarmName: config.alarmName });
    }
    return reconcile(ports, {
      settings: config.settings,
      trigger,
      runId,
      leaseMs: RECOVERY_LEASE_MS,
      serviceExecutionRoleArn: config.serviceExecutionRoleArn,
    });
  };
}

/** Where one connector's run reads and writes: its connector, stored request, alarms and record. */
interface RunTargets {
  readonly connectorName: string;
  readonly configBucket: string;
  readonly configKey: string;
  readonly configBucketOwner: string;
  /** Its composite alarm, or a fleet member's alarms read as one. */
  readonly alarm: AlarmReader;
  readonly stateTable: string;
  readonly notifier: Notifier;
  /** The function's own unqualified ARN, when Lambda's context gives it: the drill reads the rules that target it. */
  readonly functionArn?: string;
}

/** The ports of one connector's run over AWS: a single guard's, or a fleet member's. */
function portsOf(clients: AwsClients, targets: RunTargets, clock: Clock, telemetry: Telemetry): Ports {
  return {
    connectors: new MskConnectApi(clients.kafkaConnect),
    config: new S3ConfigSource(clients.s3, targets.configBucket, targets.configKey, targets.configBucketOwner),
    alarm: targets.alarm,
    offsetCommits: new MetricOffsetCommitCounter(clients.cloudWatch, targets.connectorName),
    ...(targets.functionArn ? { rules: new EventBridgeRuleReader(clients.eventBridge, targets.functionArn) } : {}),
    notifier: targets.notifier,
    store: new DynamoStateStore(clients.dynamoDb, targets.stateTable, targets.connectorName),
    clock,
    telemetry,
  };
}

/** Logs and metrics through Powertools. */
function telemetryOf(logger: Logger, namespace: string): Telemetry {
  // Powertools would read POWERTOOLS_METRICS_NAMESPACE itself, but an explicit namespace overrides it:
  // the handler passes the one its environment (the construct, or a test's overrides) gives.
  const metrics = new Metrics({ namespace, serviceName: RECOVERY_SERVICE_NAME });
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
    metric: (name, value, unit, dimensions) => {
      const single = metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions ?? {})) {
        single.addDimension(k, v);
      }
      single.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
    },
  };
}

/** A member's log lines name its connector, as a single guard's every line does. */
function memberTelemetry(telemetry: Telemetry, connectorName: string): Telemetry {
  return {
    info: (message, fields) => telemetry.info(message, { connectorName, ...fields }),
    error: (message, fields) => telemetry.error(message, { connectorName, ...fields }),
    metric: telemetry.metric,
  };
}

export const handler = createHandler();

// Exported so that the end-to-end tests can build the bundle's own clients with fast retries.
export { createClients } from './aws.lambda-shared';
