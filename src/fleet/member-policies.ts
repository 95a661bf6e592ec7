import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNag, type NagAcknowledgement } from '../nag';

/**
 * IAM's limit on a managed policy's size (characters, white space not counted), and what is kept
 * for each policy's fixed text: statement IDs, actions, conditions.
 */
const MANAGED_POLICY_SIZE = 6_144;
const FIXED_TEXT_ALLOWANCE = 1_200;

/** IAM's default quota of managed policies attached to one role (adjustable to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The longest a deploy-time value can resolve to: the pseudo parameters' longest values, and a
 * generous bound for anything else (a bucket name, a role ARN from another resource).
 */
const RESOLVED_LENGTH: Record<string, number> = { 'AWS::Partition': 10, 'AWS::Region': 14, 'AWS::AccountId': 12, 'AWS::URLSuffix': 16 };
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
    // A resource the current policy already lists (the role many members share) costs nothing more.
    const added = (s: iam.PolicyStatement) => s.resources.filter((r) => !this.statements.get(keyOf(s))?.resources.includes(r));
    const sizeOf = () => statements.reduce((sum, s) => sum + added(s).reduce((n, r) => n + this.resolvedLength(r) + 3, 0), 0);
    let size = sizeOf();
    if (this.policies.length === 0 || this.used + size > MANAGED_POLICY_SIZE - FIXED_TEXT_ALLOWANCE) {
      this.policies.push(new iam.ManagedPolicy(this.scope, `MemberPolicy${this.policies.length + 1}`, {
        description: `Debezium guard fleet ${this.scope.node.path}: the connectors, stored requests and roles of its members (part ${this.policies.length + 1})`,
        roles: [this.role],
      }));
      this.statements = new Map();
      this.acknowledgements = [];
      this.used = 0;
      size = sizeOf();
    }
    const policy = this.policies[this.policies.length - 1];
    for (const s of statements) {
      const key = keyOf(s);
      const merged = this.statements.get(key);
      if (merged) {
        merged.addResources(...s.resources);
      } else {
        const copy = new iam.PolicyStatement({ sid: s.sid, actions: s.actions, resources: s.resources, conditions: s.conditions });
        this.statements.set(key, copy);
        policy.addStatements(copy);
      }
    }
    this.used += size;
    this.acknowledgements.push(...acknowledgements);
    acknowledgeNag(policy.node.defaultChild as CfnResource, this.acknowledgements);
  }

  /** The longest `value` can be once CloudFormation resolves it. */
  private resolvedLength(value: string): number {
    const measure = (v: unknown): number => {
      if (typeof v === 'string') {
        return v.length;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') {
        return RESOLVED_LENGTH[o.Ref] ?? OTHER_TOKEN_LENGTH;
      }
      const join = o['Fn::Join'] as [string, unknown[]] | undefined;
      if (Array.isArray(join)) {
        return join[1].reduce((n: number, part) => n + measure(part), 0) + join[0].length * Math.max(0, join[1].length - 1);
      }
      return OTHER_TOKEN_LENGTH;
    };
    return measure(Stack.of(this.scope).resolve(value));
  }
}

/** Statements with the same ID and conditions are one statement in a member policy. */
function keyOf(s: iam.PolicyStatement): string {
  return `${s.sid}|${JSON.stringify(s.toStatementJson().Condition ?? {})}`;
}
