import type { Credential, Setting } from './credential';

/** Names the core holds, which no credential may take. */
export interface Reserved {
  readonly variables?: readonly string[];
  readonly contextKeys?: readonly string[];
  readonly commands?: readonly string[];
}

/**
 * What would make two entries of the registry silently overwrite each other: the same ID (tickets,
 * limit keys, callback and action IDs are made from it), command, audit action, variable name or
 * CDK context key. A variable or context key may appear in two credentials only as the very same
 * shared Setting (the password generator's, say), never as two that happen to share a name.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export function registryProblems(credentials: readonly Credential<any>[], reserved: Reserved = {}): string[] {
  const problems: string[] = [];
  const unique = (what: string, values: readonly (readonly [owner: string, value: string])[], taken: readonly string[] = []) => {
    const seen = new Map<string, string>();
    for (const [owner, value] of values) {
      if (taken.includes(value)) problems.push(`${what} ${value} of ${owner} is Latchkey's own`);
      const first = seen.get(value);
      if (first !== undefined) problems.push(`${what} ${value} is declared by both ${first} and ${owner}`);
      else seen.set(value, owner);
    }
  };
  for (const c of credentials) {
    if (!/^[a-z][a-z0-9_]{1,31}$/.test(c.id)) problems.push(`id ${c.id}: must be lower-case letters, digits and _ (it is in callback IDs and limit keys)`);
  }
  unique('id', credentials.map((c) => [c.id, c.id]));
  unique('command', credentials.map((c) => [c.id, c.command]), reserved.commands);
  unique('audit action', credentials.map((c) => [c.id, c.audit.action]));

  // By name (and by context key): the Setting each credential declares under it.
  const sharedOk = (what: string, keys: (name: string, s: Setting) => readonly string[], taken: readonly string[] = []) => {
    const seen = new Map<string, { owner: string; setting: Setting }>();
    for (const c of credentials) {
      for (const [name, setting] of Object.entries(c.settings.variables)) {
        for (const k of keys(name, setting)) {
          if (taken.includes(k)) problems.push(`${what} ${k} of ${c.id} is Latchkey's own`);
          const first = seen.get(k);
          if (!first) seen.set(k, { owner: c.id, setting });
          else if (first.setting !== setting) problems.push(`${what} ${k} is declared by both ${first.owner} and ${c.id} (share one Setting object, or rename one)`);
        }
      }
    }
  };
  // A secret is read on Lambda from <NAME>_ARN: that name is taken too.
  sharedOk('variable', (name, s) => (s.secret ? [name, `${name}_ARN`] : [name]), reserved.variables);
  sharedOk('context key', (_name, s) => (s.context ? [s.context] : []), reserved.contextKeys);
  return problems;
}

/** The registry as given, or a start that fails with every clash named. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export function checkedRegistry<T extends Credential<any>>(credentials: readonly T[], reserved?: Reserved): readonly T[] {
  const problems = registryProblems(credentials, reserved);
  if (problems.length > 0) throw new Error(['The credentials registry (src/credentials/index.ts) has clashes:', ...problems.map((p) => `  - ${p}`)].join('\n'));
  return credentials;
}
