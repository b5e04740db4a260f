/**
 * What a person must do before Latchkey changes a credential (RESET_POLICY, issue 23):
 * - `self-service`: nothing more than confirming in the modal (the Slack session is the proof);
 * - `verify`: approve a push on their phone (the verifier of VERIFY_WITH);
 * - `approval`: an admin approves first.
 */
import { closestName } from '../setting-names';

export const POLICIES = ['self-service', 'verify', 'approval'] as const;
export type Policy = (typeof POLICIES)[number];

/** How a credential declares its policy: its default, and what it will not allow (a credential that must never be self-service). */
export interface PolicyDeclaration {
  readonly default: Policy;
  readonly refuse?: readonly Policy[];
  /** Verifiers (their VERIFY_WITH IDs) that cannot prove this credential, e.g. one that would verify with the very factor being reset. */
  readonly refuseVerifiers?: readonly string[];
  /**
   * The least policy it should run under, and why (said to the admin). `verify` over a weaker
   * default is the default wherever VERIFY_WITH names a verifier it accepts (defaultPolicy): secure
   * by default, and the command still works. Where it cannot be, the default stays (an upgrade never
   * switches off a working command) and a deployment that leaves it there (RESET_POLICY does not
   * name it) starts with a warning naming what to set.
   */
  readonly recommended?: { readonly policy: Policy; readonly why: string };
}

/** Whether `policy` asks less of the person than `than`: POLICIES is ordered from the least proof to the most. */
export function weakerPolicy(policy: Policy, than: Policy): boolean {
  return POLICIES.indexOf(policy) < POLICIES.indexOf(than);
}

/** A credential that declares nothing: self-service, nothing refused. */
export const DEFAULT_POLICY: PolicyDeclaration = { default: 'self-service' };

/**
 * A credential's policy where RESET_POLICY does not name it, with `verifierId` the VERIFY_WITH set
 * (if any). VERIFY_WITH has no use but pushes, so setting it is asking for them: a credential whose
 * plug-in recommends `verify` over its weaker default gets it, unless it refuses that verifier (the
 * push would prove nothing). Admins and an approvals channel serve license requests too, so a
 * recommended `approval` is never switched on by them: its warning says what to name.
 */
export function defaultPolicy(declared: PolicyDeclaration, verifierId: string | undefined): Policy {
  const recommended = declared.recommended?.policy;
  const raised =
    recommended === 'verify' && weakerPolicy(declared.default, recommended) && verifierId !== undefined && !declared.refuseVerifiers?.includes(verifierId);
  return raised ? recommended : declared.default;
}

function isPolicy(value: string): value is Policy {
  return (POLICIES as readonly string[]).includes(value);
}

/**
 * RESET_POLICY's text (`<credential id>=<policy>,…`): the policy it names for each credential, and
 * what is wrong with the rest, in words that list what is valid. `ids` are the registry's: the example a
 * problem gives is one of them, so the core names no directory of its own.
 */
export function parseResetPolicy(
  text: string,
  ids: readonly string[],
): { named: ReadonlyMap<string, Policy>; problems: string[] } {
  const named = new Map<string, Policy>();
  const problems: string[] = [];
  // okta_password=verify;password=approval: read as one entry, its policy "verify;password=approval".
  if (text.includes(';')) {
    return { named, problems: [`entries are separated by commas, not semicolons: ${text.split(';').map((part) => part.trim()).filter(Boolean).join(',')}`] };
  }
  for (const raw of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(raw);
    if (!match) {
      problems.push(`"${raw}" is not <credential id>=<policy>, e.g. ${ids[0] ?? '<credential id>'}=verify`);
      continue;
    }
    const [, id, policy] = match as unknown as [string, string, string];
    if (!ids.includes(id)) {
      // okta-password, Okta_Password: the ID meant is plain to see, so say it.
      const meant = ids.find((known) => known === id.toLowerCase().replace(/-/g, '_'));
      problems.push(`"${id}" is not a credential: ${meant ? `did you mean ${meant}? ` : ''}use one of ${ids.join(', ')}`);
      continue;
    }
    if (!isPolicy(policy)) {
      const meant = closestName(policy, POLICIES);
      problems.push(`"${policy}" (for ${id}) is not a policy: ${meant ? `did you mean ${meant}? ` : ''}use one of ${POLICIES.join(', ')}`);
      continue;
    }
    if (named.has(id)) {
      problems.push(`${id} is named twice`);
      continue;
    }
    named.set(id, policy);
  }
  return { named, problems };
}
