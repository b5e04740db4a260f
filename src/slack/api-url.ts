/**
 * Where Latchkey calls Slack's Web API when SLACK_API_URL is unset. A module of its own so that
 * the start's checks and the CLIs read it without loading the configuration's schema (and with it
 * every credential's code).
 */
export const SLACK_API_URL_DEFAULT = 'https://slack.com/api/';
