import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** MSK Connect's own metrics: published per connector, independent of worker-log delivery. */
const NAMESPACE = 'AWS/KafkaConnect';

/** One of a connector's native `AWS/KafkaConnect` metrics (dimension `ConnectorName`). */
export function kafkaConnectMetric(connectorName: string, metricName: string, statistic: string, period: Duration, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: NAMESPACE,
    metricName,
    dimensionsMap: { ConnectorName: connectorName },
    statistic,
    period,
    label,
  });
}
