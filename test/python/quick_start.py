"""The quick start as Python CDK apps, on the package's built wheel (run by .ci/python).

Two apps, each the Python twin of a TypeScript one (two apps, not two stacks of one: a connector
takes exactly one guard per app, account and Region), synthesized with `app.synth()` (no cdk CLI):

- TestStack, into the directory given as the only argument: the construct tests' quick start
  (test/construct/fixtures.ts: newStack, quickStartProps), the same construct IDs included.
- OrdersCdcGuardStack, into $CDK_OUTDIR as `cdk synth` would set it: readme_app.py, run as it is,
  which is the README's Python quick start word for word (test/construct/readme.test.ts checks that).

test/python/quick-start.python.test.ts synthesizes the TypeScript twins and compares the templates.
"""
import os
import runpy
import sys

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from cdk_debezium_guard import DebeziumSilentFailureGuard

ACCOUNT = "123456789012"
REGION = "ap-northeast-2"

# The construct tests' quick start: quickStartProps names the imports after the stack's child count.
test_app = App(outdir=sys.argv[1])
test_stack = Stack(test_app, "TestStack", env=Environment(account=ACCOUNT, region=REGION))
DebeziumSilentFailureGuard(
    test_stack,
    "OrdersCdcGuard",
    connector_arn=f"arn:aws:kafkaconnect:{REGION}:{ACCOUNT}:connector/orders-cdc/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-3",
    config_bucket=s3.Bucket.from_bucket_name(test_stack, "Bucket0", "connector-configs"),
    config_key="debezium/orders-cdc.json",
    worker_log_group=logs.LogGroup.from_log_group_name(test_stack, "Logs1", "/msk-connect/orders-cdc"),
    service_execution_role=iam.Role.from_role_arn(test_stack, "Role2", f"arn:aws:iam::{ACCOUNT}:role/msk-connect-orders"),
    alert_emails=["oncall@example.com"],
)
test_app.synth()

# The README's app, in the same Python process (the jsii kernel starts once).
if not os.environ.get("CDK_OUTDIR"):
    sys.exit("CDK_OUTDIR must name the README app's output directory")
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "readme_app.py"), run_name="__main__")
