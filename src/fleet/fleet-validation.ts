import { Token } from 'aws-cdk-lib';
import type { DebeziumGuardFleetProps } from './fleet-props';
import { durationProblems, notificationProblems, positive, positiveInteger } from '../validation';

/** The most member recoveries one run may make at once (the function's runs last at most 2 minutes). */
const MAX_CONCURRENT_RECOVERIES = 16;

/** What is wrong with a fleet's props, each naming the prop, the value and the fix. */
export function fleetProblems(props: DebeziumGuardFleetProps): string[] {
  const problems: string[] = [];
  durationProblems(problems, props);
  positiveInteger(problems, 'recoveryBudget', props.recoveryBudget);
  positive(problems, 'recoveryBudgetWindow', props.recoveryBudgetWindow);
  positive(problems, 'operationTimeout', props.operationTimeout);
  const concurrency = props.maxConcurrentRecoveries;
  positiveInteger(problems, 'maxConcurrentRecoveries', concurrency);
  if (concurrency !== undefined && !Token.isUnresolved(concurrency) && concurrency > MAX_CONCURRENT_RECOVERIES) {
    problems.push(`maxConcurrentRecoveries must be at most ${MAX_CONCURRENT_RECOVERIES}, got ${concurrency}; `
      + 'a burst beyond it is recovered over the next runs, a minute apart');
  }
  notificationProblems(problems, props, 'fleet');
  if (props.dashboardName !== undefined && !props.createDashboard) {
    problems.push('dashboardName is set but createDashboard is not true; set createDashboard: true or drop dashboardName');
  }
  return problems;
}
