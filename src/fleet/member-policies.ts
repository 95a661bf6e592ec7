import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNag, type NagAcknowledgement } from '../nag';
import { SID } from '../recovery-function/permissions';

/** IAM's limit on a managed policy's size (characters, white space not counted). */
const MANAGED_POLICY_SIZE = 6_144;
/** A policy's own text: `{"Version":"2012-10-17","Statement":[]}`. */
const POLICY_TEXT = 45;
/** A statement's text besides its resources: its ID, effect, actions and condition (the longest the fleet writes). */
const STATEMENT_TEXT = 300;

/** IAM's default quota of managed policies attached to one role, and the most it raises it to on request. */
export const MANAGED_POLICIES_PER_ROLE = 10;
export const MANAGED_POLICIES_PER_ROLE_RAISED = 20;

/** The longest the pseudo parameters resolve to. */
const PSEUDO_LENGTH: Record<string, number> = { 'AWS::Partition': 10, 'AWS::Region': 14, 'AWS::AccountId': 12, 'AWS::URLSuffix': 16 };

/**
 * The longest any other deploy-time value in a statement can resolve to, by what the statement
 * names: an S3 key (1,024) for the stored request, a role ARN with a path for the role to pass, a
 * connector name (128) or a KMS key ARN otherwise.
 */
const TOKEN_LENGTH_BY_SID: Record<string, number> = {
  [SID.READ_STORED_CREATE_CONNECTOR_REQUEST]: 1_024,
  [SID.PASS_SERVICE_EXECUTION_ROLE]: 650,
};
const OTHER_TOKEN_LENGTH = 128;

/**
 * The fleet's per-member statements (the connector, its operations, its stored request and role),
 * packed into as few customer managed policies on the fleet's role as their size allows. A list of
 * 100 connector ARNs fits neither one managed policy (6,144 characters) nor the role's inline
 * policies (10,240 in total); these policies name each member exactly, where a name prefix or a
 * wildcard would also allow connectors outside the fleet.
 *
 * Members are packed in the order they join: adding one changes at most the last policy, and adds a
 * policy when that one is full. Statements with the same ID and conditions are merged (their
 * resources listed together), so each member adds only its ARNs.
 */
export class MemberPolicies {
  public readonly policies: iam.ManagedPolicy[] = [];
  private statements = new Map<string, iam.PolicyStatement>();
  private acknowledgements: NagAcknowledgement[] = [];
  private used = 0;

  constructor(private readonly scope: Construct, private readonly role: iam.IRole) {}

  /** Adds one member's statements, with the cdk-nag findings they raise. */
  public add(statements: iam.PolicyStatement[], acknowledgements: NagAcknowledgement[]): void {
    let size = this.sizeIn(statements);
    if (this.policies.length === 0 || this.used + size > MANAGED_POLICY_SIZE) {
      const policy = new iam.ManagedPolicy(this.scope, `MemberPolicy${this.policies.length + 1}`, {
        description: `Debezium guard fleet ${this.scope.node.path}: the connectors, stored requests and roles of its members (part ${this.policies.length + 1})`,
        roles: [this.role],
      });
      this.policies.push(policy);
      this.statements = new Map();
      this.acknowledgements = [];
      this.used = POLICY_TEXT;
      size = this.sizeIn(statements);
    }
    const policy = this.policies[this.policies.length - 1];
    for (const s of statements) {
      const merged = this.statements.get(keyOf(s));
      if (merged) {
        merged.addResources(...s.resources);
      } else {
        // IAM wants the IDs of one policy unique: a second condition for the same purpose (a bucket of
        // another account) is a second statement, numbered.
        const same = [...this.statements.values()].filter((x) => x.sid === s.sid || x.sid?.startsWith(`${s.sid}Of`)).length;
        const copy = new iam.PolicyStatement({
          sid: same === 0 ? s.sid : `${s.sid}Of${same + 1}`, actions: s.actions, resources: s.resources, conditions: s.conditions,
        });
        this.statements.set(keyOf(s), copy);
        policy.addStatements(copy);
      }
    }
    this.used += size;
    this.acknowledgements.push(...acknowledgements);
    acknowledgeNag(policy.node.defaultChild as CfnResource, this.acknowledgements);
  }

  /** What `statements` add to the current policy: resources it does not list yet, and the text of statements it does not have. */
  private sizeIn(statements: iam.PolicyStatement[]): number {
    return statements.reduce((sum, s) => {
      const merged = this.statements.get(keyOf(s));
      const added = s.resources.filter((r) => !merged?.resources.includes(r));
      const tokenLength = TOKEN_LENGTH_BY_SID[s.sid ?? ''] ?? OTHER_TOKEN_LENGTH;
      return sum + (merged ? 0 : STATEMENT_TEXT) + added.reduce((n, r) => n + this.resolvedLength(r, tokenLength) + 3, 0);
    }, 0);
  }

  /** The longest `value` can be once CloudFormation resolves it, each value unknown until deployed at most `tokenLength`. */
  private resolvedLength(value: string, tokenLength: number): number {
    const measure = (v: unknown): number => {
      if (typeof v === 'string') {
        return v.length;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string' && o.Ref in PSEUDO_LENGTH) {
        return PSEUDO_LENGTH[o.Ref];
      }
      const join = o['Fn::Join'] as [string, unknown] | undefined;
      if (Array.isArray(join) && Array.isArray(join[1])) {
        const parts = join[1] as unknown[];
        return parts.reduce((n: number, part) => n + measure(part), 0) + join[0].length * Math.max(0, parts.length - 1);
      }
      return tokenLength;
    };
    return measure(Stack.of(this.scope).resolve(value));
  }
}

/** Statements with the same ID and conditions are one statement in a member policy. */
function keyOf(s: iam.PolicyStatement): string {
  return `${s.sid}|${JSON.stringify(s.toStatementJson().Condition ?? {})}`;
}
