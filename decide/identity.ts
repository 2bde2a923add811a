import { identityName, nameScore } from './names.js';
import { isoDay, text } from './read.js';
import type { AccountData, EvaluationInput, IdentityFinding, Item, Rule, RuleResult } from './types.js';

/**
 * Identity: each account's identity is matched with the applicant.
 * An account whose name does not match fails NAME_MISMATCH (hard); one without
 * a readable name, or an applicant without a name, cannot be judged.
 */

export interface AccountMatch {
  account: AccountData;
  identity: Item | undefined;
  fullName: string | undefined;
  score: number | null;
  result: RuleResult;
  message: string;
}

/** The name an identity item gives, as shown: `fullName`, else first, middle and last name. */
const nameOf = (identity: Item | undefined): string | undefined => identityName(identity)?.shown;

export function matchAccount(account: AccountData, input: EvaluationInput): AccountMatch {
  const identity = account.identities.find((item) => nameOf(item) !== undefined) ?? account.identities[0];
  const fullName = nameOf(identity);
  const threshold = input.policy.nameMatchThreshold;
  const base = { account, identity, fullName, score: null };
  const applicantName = text(input.applicant.fullName);
  if (!applicantName)
    return { ...base, result: 'cannot_judge', message: 'The applicant gave no name to match the identity with.' };
  if (!identity)
    return { ...base, result: 'cannot_judge', message: `Account ${account.accountId} shared no identity.` };
  if (!fullName)
    return { ...base, result: 'cannot_judge', message: `The identity of account ${account.accountId} has no name.` };
  const score = Math.round(nameScore(applicantName, identity) * 100) / 100;
  const result = score >= threshold ? 'pass' : 'fail';
  const message =
    score === 0
      ? `Account ${account.accountId}: the applicant's name does not account for the identity's given and family names.`
      : `Account ${account.accountId}: name similarity ${score.toFixed(2)} (threshold ${threshold}).`;
  return { ...base, score, result, message };
}

/** The accounts' matches as one rule: a failure wins, then an account that cannot be judged. */
export function nameRule(matches: AccountMatch[], threshold: number): Rule {
  const rule = { code: 'NAME_MISMATCH', hard: true, threshold };
  if (matches.length === 0)
    return { ...rule, result: 'cannot_judge', message: 'No account was connected in this verification.' };
  const decisive =
    matches.find((m) => m.result === 'fail') ?? matches.find((m) => m.result === 'cannot_judge') ?? matches[0]!;
  const scores = matches.map((m) => m.score).filter((s): s is number => s !== null);
  const value = scores.length > 0 ? Math.min(...scores) : undefined;
  const message =
    decisive.result === 'pass'
      ? `Every account's identity matches the applicant (lowest similarity ${value?.toFixed(2)}, threshold ${threshold}).`
      : decisive.message;
  return { ...rule, result: decisive.result, ...(value === undefined ? {} : { value }), message };
}

/** DOB_MISMATCH, judged only when the applicant gave a date of birth, on the matching accounts. */
export function dobRule(matched: AccountMatch[], dateOfBirth: string | undefined): Rule | undefined {
  if (!dateOfBirth) return undefined;
  const rule = { code: 'DOB_MISMATCH', hard: false };
  if (matched.length === 0)
    return { ...rule, result: 'cannot_judge', message: "No account's identity matched, so no birth date to compare." };
  for (const m of matched) {
    const dob = isoDay(m.identity?.dob ?? m.identity?.dateOfBirth);
    if (!dob)
      return {
        ...rule,
        result: 'cannot_judge',
        message: `The identity of account ${m.account.accountId} has no readable date of birth.`,
      };
    if (dob !== dateOfBirth)
      return {
        ...rule,
        result: 'fail',
        message: `The date of birth of account ${m.account.accountId} differs from the applicant's.`,
      };
  }
  return { ...rule, result: 'pass', message: "The date of birth matches the applicant's." };
}

/** The identity the report shows: the one that decided NAME_MISMATCH. */
export function identityFinding(matches: AccountMatch[], threshold: number): IdentityFinding | null {
  const shown =
    matches.find((m) => m.result === 'fail') ??
    matches.find((m) => m.result === 'cannot_judge' && m.identity) ??
    matches.find((m) => m.identity);
  if (!shown) return null;
  const dob = isoDay(shown.identity?.dob ?? shown.identity?.dateOfBirth);
  return {
    fullName: shown.fullName ?? null,
    ...(dob ? { dateOfBirth: dob } : {}),
    nameMatch: { score: shown.score, threshold, result: shown.result },
    accountId: shown.account.accountId,
  };
}
