import type { Config } from './config';
import type { AdapterContext } from './credentials/credential';
import { credentialChecks } from './doctor/doctor';
import { describeError } from './flows/failure';
import type { AppLogger } from './logger';
import { settledWithin } from './settled-within';

/** How long the checks below may take before the start's line says they did not finish. */
export const DIRECTORY_CHECKS_MS = 15_000;

/**
 * The start proves Slack and the tables, but not a directory's settings: a wrong WorkMail
 * organization, Chime account or Okta token would first show as an employee's "Latchkey is
 * misconfigured". So the long-running server, once ready, runs each enabled credential's read-only
 * check (the doctor's, as `npm run doctor` runs it) once, and says each failure on a warn line with
 * what to do. Never an alert: it is the operator's own setup, which no outsider can cause, and the
 * operator is watching the start. Never on a request, never before /healthz answers, and never on
 * Lambda, where a cold start must not pay for it. It never rejects. Once `stopped` is aborted (the
 * server stopping under it) it says nothing: its clients closed, a failure then says nothing of the setup.
 */
export async function checkDirectoriesAtStart(config: Config, context: AdapterContext, logger: AppLogger, stopped?: AbortSignal, ms = DIRECTORY_CHECKS_MS): Promise<void> {
  if (config.credentials.length === 0 && !config.verify) return;
  try {
    const checked = await settledWithin(credentialChecks({ config, context }), ms, undefined);
    if (stopped?.aborted) return;
    if (!checked) {
      logger.warn({ waitedMs: ms }, `the directories' read-only checks at start did not finish within ${ms / 1000} s: run \`npm run doctor\` to see whether each directory answers`);
      return;
    }
    const failures = checked.lines.filter((c) => !c.ok);
    if (failures.length === 0) logger.info({ checked: checked.lines.length }, "every directory's read-only check passed at start");
    for (const line of failures) {
      // A setting or permission refused stays refused; a service that did not answer (none in time,
      // throttled, a 5xx) may well answer the next reset: said as that, not as a fault to fix.
      const lead = line.unanswered
        ? `${line.name} did not answer its read-only check at start, so its resets may fail until it answers again`
        : `${line.name} failed its read-only check at start, so its resets will fail until it is fixed`;
      logger.warn({ check: line.name, detail: line.detail, ...(line.unanswered && { unanswered: true }) }, `${lead}: ${line.detail.replace(/\.$/, '')}. Run \`npm run doctor\` for every check`);
    }
  } catch (err) {
    if (stopped?.aborted) return;
    logger.warn({ err: describeError(err) }, "the directories' read-only checks at start could not run: run `npm run doctor`");
  } finally {
    // Whatever they said (nothing, once the server stopped under them), no line of theirs comes after this one.
    logger.debug({ ...(stopped?.aborted && { stopped: true }) }, 'directory checks at start ended');
  }
}
