import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { GuardSpec } from '../guard-spec';

/** The guard props a fleet's member does not take: the fleet recovers and notifies for all its members. */
const FLEET_OWNED_PROPS = [
  'recoveryStrategy', 'allowOffsetReset', 'recoveryCooldown', 'recoveryBudget', 'recoveryBudgetWindow', 'recoveryVerificationPeriod',
  'operationTimeout', 'recoveryFunctionRuntime', 'recoveryLogRetention', 'topic', 'topicEncryptionKey', 'alertEmails',
] as const;

/** What a CloudWatch tag value may hold: a member's stored request and role are registered in tags. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** What is wrong with a guard's props for joining its fleet, each naming the prop and the fix. */
export function memberProblems(scope: Construct, spec: GuardSpec): string[] {
  const fleet = spec.fleet;
  if (!fleet) {
    return [];
  }
  const problems: string[] = [];
  for (const prop of FLEET_OWNED_PROPS) {
    if (spec[prop] !== undefined) {
      problems.push(`${prop} is set, but the guard is a member of fleet ${fleet.node.path}, which recovers and notifies for all its members; set it on the fleet (DebeziumGuardFleetProps) or drop it`);
    }
  }
  for (const prop of ['offsetCommitGapAlarm', 'taskHealthAlarm'] as const) {
    if (spec[prop] !== undefined) {
      problems.push(`${prop} is set, but a fleet's member (fleet ${fleet.node.path}) has no such alarm: its stall alarm takes noProductionAlarm's tuning `
        + 'and its task alarm crashLoopAlarm\'s; tune those instead, or guard this connector without a fleet');
    }
  }
  if (spec.preventiveRestartSchedule || spec.preventiveRestartEnabled !== undefined) {
    problems.push(`preventiveRestartSchedule is not available to a fleet's member (fleet ${fleet.node.path}); drop it, or guard this connector without a fleet`);
  }
  if (Stack.of(fleet) !== Stack.of(scope)) {
    problems.push(`fleet ${fleet.node.path} is in stack ${Stack.of(fleet).node.path}, not in this guard's stack ${Stack.of(scope).node.path}; create the guard in the fleet's stack`);
  }
  for (const [prop, value] of [['configKey', spec.configKey], ['serviceExecutionRole.roleArn', spec.serviceExecutionRole?.roleArn]] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && !TAG_VALUE.test(value)) {
      problems.push(`${prop} must fit a CloudWatch tag value for a fleet's member (at most 256 letters, digits, spaces and _ . : / = + - @), got "${value}"; `
        + 'rename the object or role, or guard this connector without a fleet');
    }
  }
  return problems;
}
