"""The quick start as a Python CDK app, on the package's built wheel (run by .ci/python).

Two apps, each the Python twin of a TypeScript one, synthesized into subdirectories of the directory
given as the only argument (`app.synth()`: no cdk CLI needed). Two apps, not two stacks of one: a
connector takes exactly one guard per app, account and Region.

- test-stack/TestStack: the construct tests' quick start (test/construct/fixtures.ts: newStack, quickStartProps),
  the same construct IDs included.
- readme-app/OrdersCdcGuardStack: the README's quick start as a whole app (imports by name and ARN, an enum
  value, an options struct as keyword arguments).

test/python/quick-start.python.test.ts synthesizes the TypeScript twins and compares the templates.
"""
import os
import sys

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from cdk_debezium_guard import DebeziumSilentFailureGuard, RecoveryStrategy

ACCOUNT = "123456789012"
REGION = "ap-northeast-2"
ORDERS_ARN = f"arn:aws:kafkaconnect:{REGION}:{ACCOUNT}:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3"

out = sys.argv[1]

# The construct tests' quick start: quickStartProps names the imports after the stack's child count.
test_app = App(outdir=os.path.join(out, "test-stack"))
test_stack = Stack(test_app, "TestStack", env=Environment(account=ACCOUNT, region=REGION))
DebeziumSilentFailureGuard(
    test_stack,
    "OrdersCdcGuard",
    connector_arn=ORDERS_ARN,
    config_bucket=s3.Bucket.from_bucket_name(test_stack, "Bucket0", "connector-configs"),
    config_key="debezium/orders-cdc.json",
    worker_log_group=logs.LogGroup.from_log_group_name(test_stack, "Logs1", "/msk-connect/orders-cdc"),
    service_execution_role=iam.Role.from_role_arn(test_stack, "Role2", f"arn:aws:iam::{ACCOUNT}:role/msk-connect-orders"),
    alert_emails=["oncall@example.com"],
)

test_app.synth()

# The README's quick start, as a Python user would write it.
app = App(outdir=os.path.join(out, "readme-app"))
# The guard must deploy where its connector runs: the connector ARN's account and Region.
stack = Stack(app, "OrdersCdcGuardStack", env=Environment(account=ACCOUNT, region=REGION))
DebeziumSilentFailureGuard(
    stack,
    "OrdersCdcGuard",
    connector_arn=ORDERS_ARN,
    config_bucket=s3.Bucket.from_bucket_name(stack, "ConnectorConfigs", "acme-msk-connect-configs"),
    config_key="debezium/orders-cdc.json",
    worker_log_group=logs.LogGroup.from_log_group_name(stack, "WorkerLogs", "/msk-connect/orders-cdc"),
    service_execution_role=iam.Role.from_role_arn(
        stack,
        "ConnectorRole",
        f"arn:aws:iam::{ACCOUNT}:role/msk-connect-debezium",
        mutable=False,  # the guard only passes the role; it never adds to its policy
    ),
    alert_emails=["oncall@example.com"],
    recovery_strategy=RecoveryStrategy.NOTIFY_ONLY,  # the first rollout: alarms and notices only
)

app.synth()
