/**
 * The IDs of the guard's synth warnings. They are stable: acknowledge one where it is expected, with
 * `Annotations.of(guard).acknowledgeWarning(DebeziumGuardWarnings.NOTIFY_ONLY, 'first rollout')`.
 */
export class DebeziumGuardWarnings {
  /**
   * The offset-commit window is under 3 minutes (or 3 flush intervals, if longer): the
   * `offset-commits` alarm would fire on a healthy connector between two commits.
   */
  public static readonly SHORT_OFFSET_COMMIT_WINDOW = 'cdk-debezium-guard:ShortOffsetCommitWindow';

  /** `recoveryStrategy` is `NOTIFY_ONLY`: the guard notifies but never restarts or re-creates the connector. */
  public static readonly NOTIFY_ONLY = 'cdk-debezium-guard:NotifyOnly';

  /** `allowOffsetReset` is true: a recreate may start without the committed offsets. */
  public static readonly OFFSET_RESET_ALLOWED = 'cdk-debezium-guard:OffsetResetAllowed';

  /** `offsetCommitAlarm.treatMissingData` is not `BREACHING`: a connector that stopped logging commits may never alarm. */
  public static readonly OFFSET_COMMIT_MISSING_DATA_NOT_BREACHING = 'cdk-debezium-guard:OffsetCommitMissingDataNotBreaching';

  /** `preventiveRestartSchedule` is set but `preventiveRestartEnabled` is not: the rule is created disabled. */
  public static readonly PREVENTIVE_RESTART_DISABLED = 'cdk-debezium-guard:PreventiveRestartDisabled';

  /** An alarm `period` under 60 s: the metric filter and `AWS/KafkaConnect` metrics have 1-minute resolution. */
  public static readonly SUB_MINUTE_PERIOD = 'cdk-debezium-guard:SubMinutePeriod';

  /**
   * The topic's KMS key is imported, so its key policy cannot be given the statement CloudWatch needs
   * to publish alarm notifications; the warning gives the statement to add by hand.
   */
  public static readonly TOPIC_KEY_POLICY_NOT_UPDATED = 'cdk-debezium-guard:TopicKeyPolicyNotUpdated';

  /**
   * A fleet's members need more managed policies on its role than IAM attaches by default (10): ask
   * AWS to raise the role's quota to 20, or split the fleet.
   */
  public static readonly FLEET_MANAGED_POLICY_QUOTA = 'cdk-debezium-guard:FleetManagedPolicyQuota';

  private constructor() {}
}
