import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** CloudWatch Logs' limit on a filter pattern (PutMetricFilter `filterPattern`). */
const MAX_FILTER_PATTERN_LENGTH = 1024;

/** How both Kafka Connect versions name a source task of the connector in worker log lines. */
function taskPrefix(connectorName: string): string {
  return `WorkerSourceTask{id=${connectorName}-`;
}

/**
 * The Kafka Connect version of an MSK Connect connector, which decides which worker log line
 * proves that offsets were really committed.
 */
export class KafkaConnectVersion {
  /**
   * Kafka Connect 2.7.1. Counts `Finished commitOffsets successfully`: 2.7.1 logs
   * `Committing offsets` every flush interval even when the task is stuck or failed.
   */
  public static readonly V2_7_1 = new KafkaConnectVersion('2.7.1', 'Finished commitOffsets successfully');

  /**
   * Kafka Connect 3.7.x. Counts `Committing offsets for N acknowledged messages`, logged only when
   * records were acknowledged; an idle, stuck or failed task logs nothing at INFO.
   */
  public static readonly V3_7_X = new KafkaConnectVersion('3.7.x', 'Committing offsets for');

  /** The version as MSK Connect names it. */
  public readonly version: string;

  /** The INFO log phrase of a successful offset commit. */
  public readonly commitPhrase: string;

  private constructor(version: string, commitPhrase: string) {
    this.version = version;
    this.commitPhrase = commitPhrase;
  }

  /**
   * The filter pattern that matches a successful offset commit of one of the connector's tasks.
   *
   * Both versions print the task as `WorkerSourceTask{id=<connector>-<n>}`, and the pattern matches
   * that prefix. The tasks of a connector named `<connector>-<anything>` share the prefix: name such
   * connectors in `excludeConnectorNames` and their lines are excluded (the guard does this itself
   * for the connectors guarded in the same CDK app). Excluding them never drops one of this
   * connector's own lines, whose task ID is `<connector>-<digits>}`.
   *
   * @param connectorName the guarded connector's name
   * @param excludeConnectorNames other connectors that may write to the same log group; those whose
   * names start with `<connectorName>-` are excluded, the others never match anyway
   */
  public commitPattern(connectorName: string, excludeConnectorNames: string[] = []): logs.IFilterPattern {
    const terms = logs.FilterPattern.allTerms(taskPrefix(connectorName), this.commitPhrase).logPatternString;
    if (Token.isUnresolved(connectorName)) {
      return logs.FilterPattern.literal(terms);
    }
    const extending = [...new Set(excludeConnectorNames)]
      .filter((name) => !Token.isUnresolved(name) && name.startsWith(`${connectorName}-`))
      .sort();
    // allTerms of one term is that term quoted and escaped, as the required terms are.
    const pattern = [terms, ...extending.map((name) => `-${logs.FilterPattern.allTerms(taskPrefix(name)).logPatternString}`)].join(' ');
    if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
      throw new Error(`The offset-commit filter pattern of connector "${connectorName}" would be ${pattern.length} characters, over CloudWatch Logs' `
        + `${MAX_FILTER_PATTERN_LENGTH}, because it excludes ${extending.length} connectors whose names start with "${connectorName}-" `
        + `(${extending.join(', ')}): set offsetCommitPattern to a pattern excluding only those that share its log group`);
    }
    return logs.FilterPattern.literal(pattern);
  }
}
