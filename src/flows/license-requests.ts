import { z } from 'zod';
import { ACCOUNT_GONE, asItStands, type AfterRead, type ApprovalFailure, type ApprovalKind, type Approvals } from './approvals/approvals';
import { holdsOpenPlace } from './approvals/pending-request';
import { asFailure, describeError } from './failure';
import { identifyRequester } from './identify-requester';
import { asLicenseRequest, LICENSE_KIND, LICENSE_SLOT, licenseStanding, type LicenseRequest, type OpenLicenseRequest } from './license-request';
import { pickDirectoryUser } from './pick-directory-user';
import { NO_METRICS, type Clock, type License, type LicenseDirectory, type Logger, type Metrics, type Requester, type WorkspaceMembers } from './ports';
import { newRequestId } from './request-id';
import type { Sealer } from './sealer';
import type { Workspace } from './workspace';

export { COMMENT_MAX_LENGTH, type ReviewFieldError } from './approvals/approvals';

export const REASON_MAX_LENGTH = 500;
const FORM_TTL_MS = 30 * 60 * 1000;
const DAY_MS = 24 * 3_600_000;

/** The purpose the form's ticket is sealed for (Sealer). */
const LICENSE_FORM_TICKET = 'license-form';

const formTicketSchema = z.object({
  v: z.literal(1),
  purpose: z.literal('license-form'),
  userId: z.string(),
  teamId: z.string(),
  directoryUserId: z.string(),
  email: z.string(),
  from: z.string(),
  expiresAt: z.number().int(),
});
type FormTicket = z.infer<typeof formTicketSchema>;

export type LicenseFieldError = 'UNCHANGED' | 'NO_CHOICE' | 'REASON_EMPTY' | 'REASON_TOO_LONG';

type LicenseFailure = ApprovalFailure;

/**
 * What /request-license opens with: the form, the request already open, or a failure; and, when it
 * read an open request (Approvals.settleOnRead, as a Home tab reads it), what that read leaves to do
 * once the modal shows its answer (`afterRead`, LicenseRequests.followUp).
 */
export type LicenseStart = (
  // applied: the person's open request, which this read found applied (settled from the record), so the form says so.
  | { ok: true; state: 'form'; email: string; current: License; ticket: string; applied?: LicenseRequest }
  | ({ ok: true; state: 'open' } & OpenLicenseRequest)
  | LicenseFailure
) & { readonly afterRead?: AfterRead };

interface LicenseRequestsDeps {
  /** Undefined when license requests are not set up (no directory with licenses, approvals channel or admins). */
  readonly directory?: LicenseDirectory;
  /** The licenses a request may ask for, as the directory names them. */
  readonly licenses: readonly License[];
  /** The directory, as the audit log names it. */
  readonly auditDirectory: string;
  readonly members: WorkspaceMembers;
  readonly approvals: Approvals;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workspace: Workspace;
  readonly requestTtlHours: number;
  readonly maxRequestsPerDay: number;
  readonly metrics?: Metrics;
}

/**
 * The license change as a kind of pending request: approval applies it in the directory, at once.
 * Its review reads the requester's account now; one the directory no longer has (deleted since they
 * asked) is said so (ACCOUNT_GONE), as approving would change nothing; any other failure to read it
 * fails the review, as the admin would decide without the license it is now.
 */
export function licenseKind(directory: LicenseDirectory, auditDirectory: string, logger?: Logger): ApprovalKind {
  return {
    id: LICENSE_KIND,
    slot: () => LICENSE_SLOT,
    auditDetail: (request) => ({ directory: auditDirectory, licenseFrom: request.detail.from, licenseTo: request.detail.to }),
    reviewDetails: async (request): Promise<Record<string, string>> => {
      try {
        const user = await directory.getLicensedUser(request.directoryUserId);
        return { email: user.email, ...(user.displayName && { displayName: user.displayName }), license: user.license };
      } catch (err) {
        if (asFailure(err).code !== 'DIRECTORY_USER_NOT_FOUND') throw err;
        logger?.info({ approvalRequestId: request.id, err: describeError(err) }, 'reviewed account no longer in the directory');
        return { [ACCOUNT_GONE]: 'true' };
      }
    },
    onApprove: { apply: (request) => directory.changeLicense(request.directoryUserId, request.detail.to!) },
  };
}

/**
 * Asking for a license change: only full members ask, one open request each, a few a day. What
 * follows (the admins' review, the decision, the change) is the approvals capability's, with the
 * license kind (licenseKind) saying what approval does.
 */
export class LicenseRequests {
  constructor(private readonly deps: LicenseRequestsDeps) {}

  get enabled(): boolean {
    return this.deps.directory !== undefined;
  }

  /**
   * What the request form needs, or the request already open and where it stands. An open one whose
   * change's outcome is unknown, read for the first time past its bound, is read as the Home tab
   * reads it (Approvals.settleOnRead: its audit record, once; a request with none makes no call):
   * settled from the record, it stands as settled (applied: no longer open, so the form); found never
   * applied, it says nothing was sent. What that read leaves to do is `afterRead` (followUp).
   */
  async start(requester: Requester): Promise<LicenseStart> {
    const directory = this.deps.directory;
    if (!directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED' };
    let email: string | undefined;
    let afterRead: AfterRead | undefined;
    let applied: LicenseRequest | undefined;
    try {
      const member = await identifyRequester(requester, this.deps.members, this.deps.workspace);
      email = member.email;
      const [open, found] = await Promise.allSettled([this.deps.approvals.findOpen(requester, LICENSE_SLOT), pickDirectoryUser(directory, email)]);
      if (open.status === 'rejected') throw open.reason;
      const held = open.value;
      if (held) {
        const read = await this.deps.approvals.settleOnRead([held]);
        const request = asItStands(held, read);
        afterRead = { requests: [request], settled: read.settled };
        if (holdsOpenPlace(request, this.deps.clock.now())) {
          return { ok: true, state: 'open', request: asLicenseRequest(request), stands: licenseStanding(request, this.deps.approvals.finishUnknown(request)), afterRead };
        }
        if (request.status === 'APPLIED') applied = asLicenseRequest(request);
      }
      if (found.status === 'rejected') throw found.reason;
      const user = await directory.getLicensedUser(found.value.id);
      const ticket: FormTicket = {
        v: 1,
        purpose: 'license-form',
        userId: requester.userId,
        teamId: requester.teamId,
        directoryUserId: user.id,
        email: user.email,
        from: user.license,
        expiresAt: this.now() + FORM_TTL_MS,
      };
      return { ok: true, state: 'form', email, current: user.license, ticket: this.deps.sealer.seal(LICENSE_FORM_TICKET, ticket), ...(applied && { applied }), ...(afterRead && { afterRead }) };
    } catch (err) {
      // Refused before the form: recorded with a reference, as every refusal of a request is.
      const failure = asFailure(err);
      // Named before the record is written, so that the record's loss (logged under it) is found beside this line.
      const requestId = newRequestId(this.deps.clock.now());
      const fields = { slackUserId: requester.userId, requestId, step: 'start', code: failure.code, detail: failure.detail };
      if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'approval request failed: operator action needed');
      else this.deps.logger.warn(fields, 'approval request refused or failed');
      (this.deps.metrics ?? NO_METRICS).count('request_refused', { action: 'license_start', code: failure.code });
      await this.deps.approvals.refused(requester, LICENSE_KIND, failure.code, { directory: this.deps.auditDirectory, requestId });
      return { ok: false, code: failure.code, email, requestId, retryAt: failure.retryAt, ...(afterRead && { afterRead }) };
    }
  }

  /**
   * Once start's answer is shown (so the modal never waits for Slack), what its read of the open
   * request left to do, as a Home tab's afterOpen does it (Approvals.afterRead): the admins' message
   * of a request whose outcome is unknown shows it so (or that it was never applied, recorded with
   * it), and one settled from the record is told to its requester and admins. Nothing to do (no
   * call) for any other. Never throws.
   */
  async followUp(requester: Requester, started: LicenseStart): Promise<void> {
    if (!started.afterRead) return;
    await this.deps.approvals
      .afterRead(started.afterRead)
      .catch((err: unknown) => this.deps.logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'license request follow-up failed'));
  }

  /** The form's own checks, with no I/O, so the modal can show them inline before acknowledging. */
  checkForm(
    requester: Requester,
    sealedTicket: string,
    choice: string | undefined,
    reason: string | undefined,
  ): { ticket: FormTicket; to: License; reason: string } | { fieldErrors: Partial<Record<'license' | 'reason', LicenseFieldError>> } | LicenseFailure {
    const ticket = this.deps.sealer.open(LICENSE_FORM_TICKET, sealedTicket, formTicketSchema);
    if (!ticket || ticket.userId !== requester.userId || ticket.teamId !== requester.teamId) {
      return { ok: false, code: 'REQUEST_INVALID' };
    }
    if (ticket.expiresAt <= this.now()) return { ok: false, code: 'REQUEST_EXPIRED' };
    const fieldErrors: Partial<Record<'license' | 'reason', LicenseFieldError>> = {};
    const to = this.deps.licenses.find((l) => l === choice);
    if (!to) fieldErrors.license = 'NO_CHOICE';
    else if (to === ticket.from) fieldErrors.license = 'UNCHANGED';
    const trimmed = (reason ?? '').trim();
    if (!trimmed) fieldErrors.reason = 'REASON_EMPTY';
    else if (trimmed.length > REASON_MAX_LENGTH) fieldErrors.reason = 'REASON_TOO_LONG';
    if (fieldErrors.license || fieldErrors.reason || !to) return { fieldErrors };
    return { ticket, to, reason: trimmed };
  }

  /** Files a checked request: saved, announced to admins, confirmed to the requester. */
  async submit(requester: Requester, form: { ticket: FormTicket; to: License; reason: string }): Promise<{ ok: true; request: LicenseRequest } | LicenseFailure> {
    if (!this.deps.directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED' };
    const filed = await this.deps.approvals.file(
      requester,
      {
        kind: LICENSE_KIND,
        requesterEmail: form.ticket.email,
        directoryUserId: form.ticket.directoryUserId,
        detail: { from: form.ticket.from, to: form.to },
        reason: form.reason,
      },
      {
        ttlMs: this.deps.requestTtlHours * 3_600_000,
        // By user ID alone: the same person from another workspace of the org has the same allowance.
        limit: { key: `license:${requester.userId}`, max: this.deps.maxRequestsPerDay, windowMs: DAY_MS, name: 'license requests per day' },
      },
    );
    return filed.ok ? { ok: true, request: asLicenseRequest(filed.request) } : filed;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

