export * from './guard';
export * from './props';
export * from './kafka-connect-version';
export * from './warnings';
export { DebeziumGuardFleet } from './fleet/fleet';
export * from './fleet/fleet-props';
