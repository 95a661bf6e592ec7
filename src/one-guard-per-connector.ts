import { Stack, Token } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';
import type { ConnectorEnvironment } from './connector-environment';

interface Claim {
  readonly guard: Construct;
  readonly connectorName: string;
  readonly environment: ConnectorEnvironment;
}

/** The guards of each app (construct tree root), by literal connector name. */
const CLAIMS = new WeakMap<IConstruct, Claim[]>();

/**
 * Records that a guard watches a connector, and throws when another guard of the same app already
 * does: two guards would race each other's recoveries, and the second stack would fail to deploy
 * on the alarm names (they are named after the connector).
 *
 * Two guards watch the same connector when the names are equal and they are in one stack, or their
 * accounts and regions may be the same: equal, or one of them known only at deploy time. A name
 * from a token cannot be compared: such a guard is not recorded.
 */
export function claimConnector(guard: Construct, connectorName: string, environment: ConnectorEnvironment): void {
  if (Token.isUnresolved(connectorName)) {
    return;
  }
  const root = guard.node.root;
  const claims = CLAIMS.get(root) ?? [];
  CLAIMS.set(root, claims);
  const stack = Stack.of(guard);
  const twin = claims.find((c) => c.connectorName === connectorName
    && (Stack.of(c.guard) === stack || maySame(c.environment.account, environment.account) && maySame(c.environment.region, environment.region)));
  if (twin) {
    const taken = `connectorName "${connectorName}" is already guarded by ${twin.guard.node.path}`;
    const rule = 'a connector takes exactly one DebeziumSilentFailureGuard';
    if (Stack.of(twin.guard) === stack) {
      throw new Error(`${taken}; ${rule}`);
    }
    const known = [twin.environment, environment].every((e) => e.account !== undefined && e.region !== undefined);
    throw new Error(known
      ? `${taken}, in another stack of this app in the same account and region (${environment.account}, ${environment.region}); ${rule}: keep one of the two guards`
      : `${taken}, in another stack of this app that may deploy to the same account and region (a token connectorArn in a stack without env can deploy anywhere); `
        + `${rule}: keep one of the two guards, or set both stacks' env if they deploy to different accounts or regions`);
  }
  claims.push({ guard, connectorName, environment });
}

function maySame(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}
