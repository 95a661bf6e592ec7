import type { DebeziumSilentFailureGuardProps } from './props';

/** The props of a guard's stored CreateConnector request and the role a recreate passes. */
type StoredRequestProp = 'configBucket' | 'configKey' | 'serviceExecutionRole';

/**
 * What a guard is built from: its `DebeziumSilentFailureGuardProps`, or what `fromCfnConnector`
 * makes of a `DebeziumGuardCfnConnectorProps` (the connector's name and ARN, and no stored request,
 * since such a guard never re-creates).
 */
export type GuardSpec = Omit<DebeziumSilentFailureGuardProps, StoredRequestProp> & Partial<Pick<DebeziumSilentFailureGuardProps, StoredRequestProp>>;
