/**
 * Where Slack sends everything: slash commands, interactivity and the Events API (manifest.yml).
 * A module of its own, so the manifest, which only names it, does not load Bolt with the request guard.
 */
export const EVENTS_PATH = '/slack/events';
