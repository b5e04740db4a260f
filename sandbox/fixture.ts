/**
 * The sandbox's demo company, read from a YAML file (sandbox/demo-users.yml by default): its Slack
 * workspace and people. Each person's accounts in the directories are the credentials' own demo
 * accounts (src/credentials/<name>/stand-in.ts), found by the person's email.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { FakeSlackUser } from '../test/support/slack-fake';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user ID such as U0123ABCD');
const channel = z.object({ id: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID such as C0123ABCD'), name: z.string().min(1) });

const fixtureSchema = z
  .object({
    workspace: z.object({
      team: z.string().regex(/^T[A-Z0-9]{2,}$/, 'must be a Slack workspace ID such as T0123ABCD'),
      name: z.string().min(1),
      approvalsChannel: channel,
      generalChannel: channel,
    }),
    admins: z.object({
      users: z.array(slackUserId).default([]),
      usergroup: z
        .object({ id: z.string().regex(/^S[A-Z0-9]{2,}$/), handle: z.string().min(1), members: z.array(slackUserId) })
        .optional(),
    }),
    people: z
      .array(
        z.object({
          slack: slackUserId,
          name: z.string().min(1),
          about: z.string().default(''),
          email: z.email().optional(),
          guest: z.boolean().default(false),
          // false: Slack's users.info says is_email_confirmed: false, as it does for some who joined through SSO.
          emailConfirmed: z.boolean().default(true),
        }),
      )
      .min(1),
  })
  .refine((f) => new Set(f.people.map((p) => p.slack)).size === f.people.length, { message: 'two people share a Slack ID', path: ['people'] })
  .refine((f) => f.admins.users.length > 0 || (f.admins.usergroup?.members.length ?? 0) > 0, {
    message: 'license and reset requests need at least one admin to review them',
    path: ['admins'],
  });

export type Fixture = z.infer<typeof fixtureSchema>;
export type Person = Fixture['people'][number];

/** The sandbox's own people, used unless `--users` names another file. */
export const DEFAULT_FIXTURE = join(__dirname, 'demo-users.yml');

export function loadFixture(path: string): Fixture {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      const shown = relative(process.cwd(), DEFAULT_FIXTURE);
      const demoUsers = shown && !shown.startsWith('..') ? shown : DEFAULT_FIXTURE;
      throw new Error(`no such file: ${path}: give --users the path of a YAML file of demo users (copy ${demoUsers} to start one), or leave --users out to use ${demoUsers}`);
    }
    throw new Error(`cannot read the demo users in ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = fixtureSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new Error(`the demo users in ${path} have problems:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

const slug = (person: Person) => person.slack.slice(1).toLowerCase();

export function slackMembers(fixture: Fixture): FakeSlackUser[] {
  return fixture.people.map((p) => ({
    id: p.slack,
    team_id: fixture.workspace.team,
    name: (p.email?.split('@')[0] ?? slug(p)).toLowerCase(),
    tz: 'UTC',
    ...(p.guest && { is_restricted: true }),
    ...(!p.emailConfirmed && { is_email_confirmed: false }),
    profile: { email: p.email, real_name: p.name, display_name: p.name.split(' ')[0] },
  }));
}

/** Named an admin (in ADMIN_USER_IDS or the admin group), as the app's config will say. */
function namedAdmin(fixture: Fixture, person: Person): boolean {
  return fixture.admins.users.includes(person.slack) || Boolean(fixture.admins.usergroup?.members.includes(person.slack));
}

/** An admin as Latchkey treats them: named one, and not a Slack guest (a guest is never an admin). */
export function isAdmin(fixture: Fixture, person: Person): boolean {
  return !person.guest && namedAdmin(fixture, person);
}

/** How the page's person picker names someone: "(admin)" only for one Latchkey treats as such. */
export function pickerLabel(fixture: Fixture, person: Person): string {
  if (person.guest) return `${person.name} (guest${namedAdmin(fixture, person) ? '; named an admin, but a guest never is one' : ''})`;
  return isAdmin(fixture, person) ? `${person.name} (admin)` : person.name;
}
