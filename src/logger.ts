import pino, { type DestinationStream, type Logger as Pino } from 'pino';

/**
 * Field names that may hold a secret, wherever they appear (two levels deep covers our
 * log calls and AWS/Slack objects). The Secret type already prints as [redacted]; this is
 * the second lock, for a raw string that slips into a log call.
 */
const SECRET_FIELDS = [
  'pin', 'PersonalPIN', 'password', 'Password', 'secret', 'token', 'botToken', 'appToken',
  'signingSecret', 'authorization', 'Authorization', 'private_metadata', 'ticket',
  // Okta's one-time password (okta-directory.ts), a number-matching push's challenge and its answer,
  // and an admin's typed note (AuditEntry.note): nothing logs them today, and none ever may.
  'tempPassword', 'temporaryPassword', 'challenge', 'correctAnswer', 'note',
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export type AppLogger = Pino;

/** One structured logger for the process: JSON lines on stdout (or the given stream in tests). */
export function createLogger(level: string, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      base: { app: 'latchkey' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
