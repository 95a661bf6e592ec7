import { Token } from 'aws-cdk-lib';

/** The parts of a literal MSK Connect connector ARN. */
export interface ConnectorArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const CONNECTOR_ARN = /^arn:(aws[a-z-]*):kafkaconnect:([a-z0-9-]+):(\d{12}):connector\/([^/\s]+)\/([^/\s]+)$/;

/**
 * Parses a connector ARN.
 * @returns undefined for a token (resolved at deploy time) or a malformed ARN; see `isConnectorArn`
 */
export function parseConnectorArn(arn: string): ConnectorArnParts | undefined {
  if (Token.isUnresolved(arn)) {
    return undefined;
  }
  const m = CONNECTOR_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], name: m[4] } : undefined;
}
