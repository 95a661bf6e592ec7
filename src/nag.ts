import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One acknowledged cdk-nag finding: the rule, the exact finding, and why it is acceptable. */
export interface NagAcknowledgement {
  readonly rule: string;
  /** The finding inside the rule (e.g. `Resource::*`), without brackets. */
  readonly finding: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag findings on a resource, one finding at a time, by writing the `cdk_nag`
 * metadata that cdk-nag's `NagSuppressions` writes (with `applies_to`). The library does not
 * depend on cdk-nag at run time; consumers running `AwsSolutionsChecks` see no finding from the guard.
 *
 * cdk-nag v3's `Validations.of().acknowledge()` cannot express these findings on aws-cdk-lib
 * 2.257 (it rejects IDs such as `Resource::arn:<AWS::Partition>:...` that contain `::` twice).
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
