import { approvalAction, approvalActions } from './pending-request';

/**
 * Every kind of pending request Latchkey knows, by ID: the audit schema accepts their steps'
 * records (`<kind>_request`, `_decide`, `_apply`, `_withdraw`, `_revoke`) because they are listed here. A new kind is a
 * line here, its ApprovalKind (what approval does) and its ApprovalKindWords (how it is told).
 */
const APPROVAL_KINDS = ['license', 'reset'] as const;

export const APPROVAL_ACTIONS: readonly string[] = approvalActions(APPROVAL_KINDS);

/** Each kind's record of its requester withdrawing a request. */
export const WITHDRAW_ACTIONS: readonly string[] = APPROVAL_KINDS.map((k) => approvalAction(k, 'withdraw'));

/** Each kind's record of an admin revoking an approval before its requester finished it. */
export const REVOKE_ACTIONS: readonly string[] = APPROVAL_KINDS.map((k) => approvalAction(k, 'revoke'));

/** Each kind's record of an admin applying the change of a request they approved. */
export const APPLY_ACTIONS: readonly string[] = APPROVAL_KINDS.map((k) => approvalAction(k, 'apply'));
