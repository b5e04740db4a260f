/**
 * The slash commands the core answers itself, beside each credential's own (src/credentials/):
 * declared once, for their handlers, the registry's check that no credential takes them, and the
 * app's list of what it answers.
 */
export const LICENSE_COMMAND = '/request-license';
/** One command for every credential: what this deployment can reset, as buttons. */
export const RESET_PICKER_COMMAND = '/reset';
export const CORE_COMMANDS = [LICENSE_COMMAND, RESET_PICKER_COMMAND] as const;
