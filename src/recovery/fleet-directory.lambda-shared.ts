/** A fleet's directory over AWS: its members' alarms and their tags, and the fleet's table. */
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { MEMBER_SIGNAL, MEMBER_TRIGGER_SIGNALS, guardSignalAlarmName, memberAlarmOf, MEMBER_TAG } from './constants';
import type { FleetDirectory, FleetMember, FleetState, MemberAlarms, MemberRecord } from './fleet-run';
import type { RecoveryRecord } from './model';

/** The end of the key of a member's log-delivery warning item: which transition it was warned of. */
const LOG_WARNING_SUFFIX = '#log-delivery';

export class AwsFleetDirectory implements FleetDirectory {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly dynamoDb: DynamoDBClient,
    private readonly table: string,
    private readonly fleetId: string,
  ) {}

  public async alarming(): Promise<MemberAlarms> {
    // Every metric alarm in ALARM in the account and Region, guard's or not: the names tell a member's
    // alarms apart, and member() its fleet, only for those in ALARM, which a healthy fleet has none of.
    const triggered = new Set<string>();
    const paused = new Set<string>();
    const logsSilentSince: Record<string, number> = {};
    let nextToken: string | undefined;
    do {
      const page = await this.cloudWatch.send(new DescribeAlarmsCommand({
        AlarmTypes: ['MetricAlarm'], StateValue: 'ALARM', MaxRecords: 100, NextToken: nextToken,
      }));
      for (const alarm of page.MetricAlarms ?? []) {
        const member = memberAlarmOf(alarm.AlarmName ?? '');
        if (member === undefined) {
          continue;
        }
        if (MEMBER_TRIGGER_SIGNALS.includes(member.signal)) {
          // A paused alarm (actions disabled) starts nothing, as a single guard's function leaves its
          // composite alarm; it still tells that the connector is not healthy.
          (alarm.ActionsEnabled === false ? paused : triggered).add(member.connector);
        } else if (member.signal === MEMBER_SIGNAL.OFFSET_COMMITS && alarm.ActionsEnabled !== false) {
          const since = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
          logsSilentSince[member.connector] = since?.getTime() ?? 0;
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { triggered: [...triggered].sort(), paused: [...paused].sort(), logsSilentSince };
  }

  public async state(): Promise<FleetState> {
    const records: MemberRecord[] = [];
    const logWarnedFor: Record<string, number> = {};
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamoDb.send(new ScanCommand({
        TableName: this.table,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        ProjectionExpression: 'pk, #record, leaseUntil, warnedFor',
        ExpressionAttributeNames: { '#record': 'record' },
      }));
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S;
        if (pk?.endsWith(LOG_WARNING_SUFFIX) && item.warnedFor?.N !== undefined) {
          logWarnedFor[pk.slice(0, -LOG_WARNING_SUFFIX.length)] = Number(item.warnedFor.N);
        } else if (pk !== undefined && item.record?.S !== undefined) {
          records.push({ connector: pk, record: parsed(item.record.S), leaseUntil: Number(item.leaseUntil?.N ?? '0') });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { records, logWarnedFor };
  }

  public async claimLogWarning(connectorName: string, since: number): Promise<boolean> {
    // Its own item (a connector's name holds no "#"): the recovery record's item is the lease's, and
    // an item without a record would stop its first lease.
    try {
      await this.dynamoDb.send(new PutItemCommand({
        TableName: this.table,
        Item: { pk: { S: `${connectorName}${LOG_WARNING_SUFFIX}` }, warnedFor: { N: String(since) } },
        ConditionExpression: 'attribute_not_exists(pk) OR warnedFor <> :since',
        ExpressionAttributeValues: { ':since': { N: String(since) } },
      }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        return false;
      }
      throw err;
    }
  }

  public async member(connectorName: string): Promise<FleetMember | undefined> {
    const out = await this.cloudWatch.send(new DescribeAlarmsCommand({
      AlarmNames: [guardSignalAlarmName(connectorName, MEMBER_SIGNAL.STALL)], AlarmTypes: ['MetricAlarm'],
    }));
    const arn = out.MetricAlarms?.[0]?.AlarmArn;
    if (arn === undefined) {
      return undefined;
    }
    const tagged = await this.cloudWatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    const tags = Object.fromEntries((tagged.Tags ?? []).map((t) => [t.Key, t.Value ?? '']));
    if (tags[MEMBER_TAG.FLEET] !== this.fleetId) {
      return undefined;
    }
    return {
      connectorName,
      configBucket: tags[MEMBER_TAG.CONFIG_BUCKET] ?? '',
      configKey: tags[MEMBER_TAG.CONFIG_KEY] ?? '',
      configBucketOwner: tags[MEMBER_TAG.CONFIG_BUCKET_OWNER] ?? '',
      serviceExecutionRoleArn: tags[MEMBER_TAG.SERVICE_EXECUTION_ROLE_ARN] ?? '',
    };
  }
}

/**
 * A stored record; one that does not parse is reported in flight (phase UNREADABLE), so that its own
 * member's run fails, loudly and alone, instead of the whole tick.
 */
function parsed(text: string): RecoveryRecord {
  try {
    return JSON.parse(text) as RecoveryRecord;
  } catch {
    return { phase: 'UNREADABLE' as RecoveryRecord['phase'], attempts: [] };
  }
}
