import type { ModalView } from '@slack/types';
import type { AdminRefusal } from '../flows/admin-answer';
import { modal, progressView, section } from './blocks';
import { adminGroupUnreadable, guestAdminRefused, misconfigured } from './failure-message';

/** What an admin action is, for its refusal: what only admins may do, and what a guest's click left as it was. */
export interface AdminAction {
  /** 'search the audit log' */
  readonly may: string;
  /** 'Nothing was searched.' */
  readonly unchanged: string;
}

/** Why someone may not do an admin action, in words: not an admin, a guest named one, the admin group unreadable for our setup, or Slack not saying. */
export function adminRefusedText(code: AdminRefusal, action: AdminAction): string {
  if (code === 'ADMIN_IS_GUEST') return guestAdminRefused(action.unchanged);
  if (code === 'ADMIN_GROUP_UNREADABLE') return adminGroupUnreadable(action.unchanged);
  if (code === 'NOT_ADMIN') return `Only Latchkey admins can ${action.may}.`;
  if (code === 'SLACK_MISCONFIGURED') return misconfigured(action.unchanged);
  return 'Slack did not answer whether you are an admin. Try again in a few minutes.';
}

/** An admin action's modal while whether the clicker is an admin is asked (opened first: the check may outlast the trigger). */
export function adminCheckingModal(title: string): ModalView {
  return progressView(title, 'Checking that you are a Latchkey admin…');
}

/** In place of an admin action's modal for someone refused it: why, and nothing to submit. */
export function adminRefusedModal(title: string, code: AdminRefusal, action: AdminAction): ModalView {
  return modal({ title, close: 'Close', blocks: [section(`:warning: ${adminRefusedText(code, action)}`)] });
}
