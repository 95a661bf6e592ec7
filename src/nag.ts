import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One acknowledged cdk-nag finding: the rule, the exact finding, and why it is acceptable. */
export interface NagAcknowledgement {
  readonly rule: string;
  /** The finding inside the rule (e.g. `Resource::*`), without brackets. */
  readonly finding: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag findings on a resource, one finding at a time, in the two forms the two
 * cdk-nag majors read, so a consumer running either sees no finding from the guard:
 * - v2 (`Aspects.of(app).add(new AwsSolutionsChecks())`) reads the `cdk_nag` template metadata
 *   that its `NagSuppressions` writes (one entry per rule, `applies_to` per finding);
 * - v3 (`Validations.of(app).addPlugins(...)`) reads the construct metadata under
 *   `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, keyed `Rule[Finding]`, which is what
 *   `Validations.of(c).acknowledge()` records. We write that record directly because
 *   `acknowledge()` rejects IDs that contain `::` twice (`Resource::arn:<AWS::Partition>:...`).
 * The library does not depend on cdk-nag at run time.
 */
export function acknowledgeNag(resource: CfnResource, acks: NagAcknowledgement[]): void {
  const byRule = new Map<string, NagAcknowledgement[]>();
  acks.forEach((a) => byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a]));
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...byRule.entries()].map(([id, list]) => ({
      id,
      reason: list.map((a) => `${a.finding}: ${a.reason}`).join(' '),
      applies_to: list.map((a) => a.finding),
    })),
  });
  resource.node.addMetadata(
    Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
    Object.fromEntries(acks.map((a) => [`${a.rule}[${a.finding}]`, a.reason])),
  );
}

/**
 * Renders a value as cdk-nag prints it in a finding: literals as they are, `Ref` as `<Name>`,
 * `Fn::GetAtt` as `<Resource.Attribute>`, `Fn::Join` flattened.
 */
export function nagText(scope: IConstruct, value: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') {
      return v;
    }
    const o = v as Record<string, unknown>;
    if (o.Ref !== undefined) {
      return `<${String(o.Ref)}>`;
    }
    const getAtt = o['Fn::GetAtt'] as unknown[] | undefined;
    if (Array.isArray(getAtt)) {
      return `<${getAtt.map(String).join('.')}>`;
    }
    const join = o['Fn::Join'] as [string, unknown[]] | undefined;
    if (Array.isArray(join)) {
      return join[1].map(render).join(join[0]);
    }
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
}
