/**
 * What a directory or a verifier says in a failure (its error message, its code, a word of its
 * answer) goes into the failure's detail, and so into a log line: however much of it arrives, the
 * detail keeps a bounded start of it (saidBack), never kilobytes. Each adapter is loaded as the app
 * loads it, over the app's HTTP stack, against its stand-in answering on the wire.
 */
import { CREDENTIALS } from '../../src/credentials';
import type { AdapterContext } from '../../src/credentials/credential';
import type { StandIn } from '../../src/credentials/stand-in';
import type { EntraSimulator } from '../../src/credentials/entra/stand-in';
import type { GoogleSimulator } from '../../src/credentials/google/stand-in';
import type { ChimeSimulator } from '../../src/credentials/chime/stand-in';
import type { LicensedUser } from '../../src/flows/ports';
import type { OktaSimulator } from '../../src/credentials/okta-stand-in';
import type { WorkMailSimulator } from '../../src/credentials/workmail/stand-in';
import { LatchkeyFailure } from '../../src/flows/failure';
import type { Verifier } from '../../src/flows/verification';
import type { Directory } from '../../src/flows/ports';
import { httpFetch } from '../../src/http/fetch';
import { VERIFIERS } from '../../src/verifiers';
import type { DuoSimulator } from '../../src/verifiers/duo/stand-in';
import { MemoryLogger } from '../support/in-memory-ports';

/** Ten kilobytes of someone else's words, whose end must never reach a log line. */
const LONG = `Invalid request ${'<!channel> padding '.repeat(550)}THE-END`;

interface Plugin<A> {
  readonly settings: { readonly variables: Record<string, { readonly schema: { parse(v: unknown): unknown } }>; read(values: Record<string, unknown>): unknown };
  load(settings: never, context: AdapterContext): Promise<A>;
  readonly standIn: () => Promise<{ start(options?: object): Promise<StandIn> }>;
}

const running: StandIn[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** The adapter, loaded on its stand-in's settings as the config reads them, and the stand-in. */
async function loaded<A, S extends StandIn>(plugin: Plugin<A>): Promise<{ adapter: A; standIn: S }> {
  const standIn = (await (await plugin.standIn()).start()) as S;
  running.push(standIn);
  const values = Object.fromEntries(Object.entries(plugin.settings.variables).map(([name, s]) => [name, s.schema.parse(standIn.env[name])]));
  // An AWS stand-in's clients: the real SDK, pointed at it.
  const aws = { endpoint: standIn.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const context = { aws, awsChanges: aws, fetch: httpFetch(), logger: new MemoryLogger(), clock: { now: () => new Date() } } as unknown as AdapterContext;
  return { adapter: await plugin.load(plugin.settings.read(values) as never, context), standIn };
}

async function failureOf(call: Promise<unknown>): Promise<LatchkeyFailure> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LatchkeyFailure);
  return err as LatchkeyFailure;
}

/** The start of what was said is kept, with the cut marked; its end, and the line's length, never. */
function expectBounded(failure: LatchkeyFailure, start: string): void {
  expect(failure.detail).toContain(start);
  expect(failure.detail).toContain('…');
  expect(failure.detail).not.toContain('THE-END');
  expect(failure.detail!.length).toBeLessThan(300);
  expect(failure.message.length).toBeLessThan(330);
}

const credential = (id: string) => CREDENTIALS.find((c) => c.id === id)! as unknown as Plugin<Directory>;
const verifier = (id: string) => VERIFIERS.find((v) => v.id === id)! as unknown as Plugin<Verifier>;

describe("a directory's error message, however long, is a bounded start in the failure's detail", () => {
  it('Google (Directory API error message)', async () => {
    const { adapter, standIn } = await loaded<Directory, GoogleSimulator>(credential('google_password'));
    standIn.failNext('GetUser', { status: 400, reason: 'badRequest', message: LONG });
    const failure = await failureOf(adapter.findCandidates('ann@example.com'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'google:GetUser 400: badRequest Invalid request <!channel> padding');
  });

  it('Entra (Graph error message)', async () => {
    const { adapter, standIn } = await loaded<Directory, EntraSimulator>(credential('entra_password'));
    standIn.failNext('ListUsers', { status: 400, code: 'Request_BadRequest', message: LONG });
    const failure = await failureOf(adapter.findCandidates('ann@example.com'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'entra:ListUsers 400: Request_BadRequest Invalid request <!channel> padding');
  });

  it("WorkMail (an AWS exception's message, through the AWS SDK)", async () => {
    const { adapter, standIn } = await loaded<Directory, WorkMailSimulator>(credential('password'));
    standIn.failNext('ListUsers', { code: 'InvalidParameterException', message: LONG });
    const failure = await failureOf(adapter.findCandidates('ann@example.com'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'workmail:ListUsers InvalidParameterException: Invalid request <!channel> padding');
  });

  it("Chime (a user's license type no license of ours names, through the AWS SDK)", async () => {
    const { adapter, standIn } = await loaded<{ getLicensedUser(id: string): Promise<LicensedUser> }, ChimeSimulator>(credential('pin') as never);
    (standIn.users.get('chime-ann') as { LicenseType: string }).LicenseType = LONG;
    const failure = await failureOf(adapter.getLicensedUser('chime-ann'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'chime:GetUser license "Invalid request <!channel> padding');
  });

  it('Okta (errorSummary)', async () => {
    const { adapter, standIn } = await loaded<Directory, OktaSimulator>(credential('okta_password'));
    standIn.failNext('ListUsers', { status: 400, errorCode: 'E0000001', summary: LONG });
    const failure = await failureOf(adapter.findCandidates('ann@example.com'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'okta:ListUsers 400: E0000001 Invalid request <!channel> padding');
  });
});

describe("a verifier's error message or answer word, however long, is a bounded start in the failure's detail", () => {
  it("Duo (its error envelope's message)", async () => {
    const { adapter, standIn } = await loaded<Verifier, DuoSimulator>(verifier('duo'));
    standIn.failNext('preauth', { status: 400, code: 40002, message: LONG });
    const failure = await failureOf(adapter.find('ann@example.com'));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'duo:preauth 400: 40002 Invalid request <!channel> padding');
  });

  it("Okta Verify (a verify answer's factorResult, quoted as the word it should be)", async () => {
    const { adapter, standIn } = await loaded<Verifier, OktaSimulator>(verifier('okta'));
    const account = await adapter.find('ann@example.com');
    expect(account).toBeDefined();
    standIn.answerNextPushAs(LONG);
    const failure = await failureOf(adapter.push(account!));
    expect(failure.code).toBe('DIRECTORY_REJECTED');
    expectBounded(failure, 'okta:VerifyFactor answered "Invalid request <!channel> padding');
    expect(failure.detail).toMatch(/…", not WAITING with a poll link$/);
  });
});
