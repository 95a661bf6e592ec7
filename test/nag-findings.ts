import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV3 } from 'cdk-nag-v3';

/** The two cdk-nag majors consumers run: each reads acknowledgements from a different place. */
export const NAG_MAJORS = ['v2', 'v3'] as const;
export type NagMajor = typeof NAG_MAJORS[number];

/**
 * Every AwsSolutions finding cdk-nag reports on the stack and does not count as acknowledged, as
 * `<finding> @ /<construct path>`.
 * - v2 runs as an Aspect and reports annotations (it reads `cdk_nag` template metadata).
 * - v3 runs through `validateScope`, the entry point it documents for tests and for aws-cdk-lib
 *   versions whose policy-validation context lacks the construct tree (2.257 does); it reads
 *   `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` construct metadata.
 */
export function nagFindings(stack: Stack, major: NagMajor): string[] {
  if (major === 'v3') {
    return new AwsSolutionsChecksV3().validateScope(stack).violations
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ /${r.constructPath}`));
  }
  Aspects.of(stack).add(new AwsSolutionsChecksV2());
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${/^(\S+): /.exec(String(m.entry.data))?.[1]} @ ${m.id}`);
}
