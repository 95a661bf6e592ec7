import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FLEET_STATUS_MESSAGE, RECOVERY_METRIC, RECOVERY_METRICS_NAMESPACE, RECOVERY_SERVICE_NAME } from '../recovery/constants';

export interface FleetDashboardProps {
  readonly dashboardName?: string;
  readonly fleetPath: string;
  readonly recoveryLogGroup: logs.ILogGroup;
  /** The members' alarms, as many as have joined when the app synthesizes. */
  readonly memberAlarms: readonly cloudwatch.IAlarm[];
}

/** CloudWatch's alarm status widget shows at most 100 alarms: more members take more widgets. */
const ALARMS_PER_WIDGET = 100;

/**
 * One page for the whole fleet: every member's alarm states, and, from the line the tick
 * logs for each member's record, its phase, its recovery attempts in the budget window and its last
 * one; then the fleet's recoveries over time.
 */
export function fleetDashboard(scope: Construct, props: FleetDashboardProps): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName: props.dashboardName });
  const recoveries = (metricName: string, label: string, extra = '') => new cloudwatch.MathExpression({
    expression: `SUM(SEARCH('{${RECOVERY_METRICS_NAMESPACE},ConnectorName,service${extra ? ',Step' : ''}} MetricName="${metricName}" service="${RECOVERY_SERVICE_NAME}"${extra}', 'Sum', 300))`,
    label,
    period: Duration.minutes(5),
  });
  dashboard.addWidgets(new cloudwatch.TextWidget({
    markdown: `# Debezium guard fleet ${props.fleetPath}\nTrigger alarms of every member (stall, tasks, and Connected or lag where set); the table lists each connector the fleet has recovered (the others are IDLE and never recovered).`,
    width: 24,
    height: 2,
  }));
  // Rendered when the app synthesizes, so that it shows the members that joined after the dashboard.
  dashboard.addWidgets(new MembersAlarmWidget(props.memberAlarms));
  dashboard.addWidgets(
    new cloudwatch.LogQueryWidget({
      title: 'Members: phase, attempts in the budget window, last recovery attempt',
      logGroupNames: [props.recoveryLogGroup.logGroupName],
      queryLines: [
        'fields @timestamp, connector, phase, escalation, attemptsInBudgetWindow, lastRecoveryAttempt',
        `filter message = "${FLEET_STATUS_MESSAGE}"`,
        'stats latest(phase) as phase, latest(escalation) as escalation, latest(attemptsInBudgetWindow) as attempts, latest(lastRecoveryAttempt) as lastRecovery by connector',
        'sort connector asc',
      ],
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 24,
      height: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Recoveries (every guard of this account and Region)',
      left: [
        recoveries(RECOVERY_METRIC.STEP_STARTED, 'Restarts', ' Step="restart"'),
        recoveries(RECOVERY_METRIC.STEP_STARTED, 'Recreates', ' Step="recreate"'),
        recoveries(RECOVERY_METRIC.RECOVERED, 'Recovered'),
        recoveries(RECOVERY_METRIC.ESCALATED, 'Escalated'),
      ],
      width: 24,
    }),
  );
  return dashboard;
}

/** The members' alarms, in widgets of at most 100, read when the dashboard is rendered. */
class MembersAlarmWidget implements cloudwatch.IWidget {
  public readonly width = 24;
  public readonly height = 6;
  public readonly warnings?: string[];
  private x = 0;
  private y = 0;

  constructor(private readonly alarms: readonly cloudwatch.IAlarm[]) {}

  public position(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  public toJson(): any[] {
    if (this.alarms.length === 0) {
      const empty = new cloudwatch.TextWidget({ markdown: 'No guard has joined this fleet.', width: this.width, height: this.height });
      empty.position(this.x, this.y);
      return empty.toJson();
    }
    const parts = Math.ceil(this.alarms.length / ALARMS_PER_WIDGET);
    const width = Math.max(1, Math.floor(this.width / parts));
    return Array.from({ length: parts }, (_, i) => {
      const part = this.alarms.slice(i * ALARMS_PER_WIDGET, (i + 1) * ALARMS_PER_WIDGET);
      const widget = new cloudwatch.AlarmStatusWidget({
        title: parts > 1 ? `Members' alarms (${i * ALARMS_PER_WIDGET + 1}-${i * ALARMS_PER_WIDGET + part.length})` : 'Members\' alarms',
        alarms: [...part],
        width,
        height: this.height,
      });
      widget.position(this.x + i * width, this.y);
      return widget.toJson();
    }).flat();
  }
}
