/**
 * The Chime and WorkMail simulators, driven by the real AWS SDK v3 clients: if these pass, the
 * simulators speak the wire protocols the SDK expects, and integration tests built on them
 * exercise the app's real AWS code paths.
 */
import {
  ChimeClient,
  GetUserCommand,
  ListUsersCommand as ChimeListUsersCommand,
  ResetPersonalPINCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import {
  DescribeUserCommand,
  ListUsersCommand as WorkMailListUsersCommand,
  ResetPasswordCommand,
  WorkMailClient,
} from '@aws-sdk/client-workmail';
import { startChimeSimulator, type ChimeErrorCode, type ChimeSimulator } from '../../src/credentials/chime/stand-in';
import { startWorkMailSimulator, type WorkMailSimulator } from '../../src/credentials/workmail/stand-in';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ACCOUNT = 'acct-1';
const ORG = 'm-0123456789abcdef0123456789abcdef';

/** The SDK error fields the assertions look at. */
interface SdkError {
  name: string;
  Code?: string;
  $fault: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

/**
 * The SDK waits a random fraction of 1 s before retrying a throttled call. Pinning Math.random to
 * 0 makes that wait 0 ms, so retry tests stay fast without replacing the SDK's retry strategy.
 */
async function withoutRetryJitter<T>(run: () => Promise<T>): Promise<T> {
  const random = jest.spyOn(Math, 'random').mockReturnValue(0);
  try {
    return await run();
  } finally {
    random.mockRestore();
  }
}

describe('Chime simulator', () => {
  let sim: ChimeSimulator;
  let chime: ChimeClient;
  const chimeClient = (region = 'us-east-1', maxAttempts = 1) =>
    new ChimeClient({ endpoint: sim.url, region, credentials, maxAttempts });

  beforeAll(async () => {
    sim = await startChimeSimulator({
      accountId: ACCOUNT,
      users: [
        { UserId: 'u-ann', PrimaryEmail: 'Ann@Example.com', DisplayName: 'Ann', LicenseType: 'Basic' },
        { UserId: 'u-bob', PrimaryEmail: 'bob@example.com', LicenseType: 'Pro' },
        { UserId: 'u-room', PrimaryEmail: 'room@example.com', LicenseType: 'Pro', UserType: 'SharedDevice' },
        { UserId: 'u-gone', PrimaryEmail: 'gone@example.com', LicenseType: 'Pro', UserRegistrationStatus: 'Suspended' },
      ],
    });
    chime = chimeClient();
  });
  afterAll(async () => {
    chime.destroy();
    await sim.close();
  });
  afterEach(() => sim.clear());

  it('lists users by e-mail, case-insensitively, without any PIN', async () => {
    const { Users } = await chime.send(new ChimeListUsersCommand({ AccountId: ACCOUNT, UserEmail: 'ann@example.COM' }));
    expect(Users).toEqual([
      {
        UserId: 'u-ann',
        AccountId: ACCOUNT,
        PrimaryEmail: 'Ann@Example.com',
        DisplayName: 'Ann',
        LicenseType: 'Basic',
        UserType: 'PrivateUser',
        UserRegistrationStatus: 'Registered',
      },
    ]);
    expect(sim.callsTo('ListUsers')).toEqual([
      { operation: 'ListUsers', params: { AccountId: ACCOUNT, UserEmail: 'ann@example.COM' }, at: expect.any(Number), place: expect.any(Number) },
    ]);
  });

  it('filters by user type and paginates with NextToken', async () => {
    const shared = await chime.send(new ChimeListUsersCommand({ AccountId: ACCOUNT, UserType: 'SharedDevice' }));
    expect(shared.Users?.map((u) => u.UserId)).toEqual(['u-room']);

    const first = await chime.send(new ChimeListUsersCommand({ AccountId: ACCOUNT, MaxResults: 3 }));
    expect(first.Users).toHaveLength(3);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await chime.send(
      new ChimeListUsersCommand({ AccountId: ACCOUNT, MaxResults: 3, NextToken: first.NextToken }),
    );
    expect(second.Users?.map((u) => u.UserId)).toEqual(['u-gone']);
    expect(second.NextToken).toBeUndefined();
  });

  it('gets a user, and answers NotFound for an unknown one', async () => {
    const { User } = await chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob' }));
    expect(User).toMatchObject({ UserId: 'u-bob', PrimaryEmail: 'bob@example.com', LicenseType: 'Pro' });

    const err = await failure(chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-nobody' })));
    expect(err).toMatchObject({ name: 'NotFoundException', Code: 'NotFound', $fault: 'client' });
    expect(err.$metadata).toMatchObject({ httpStatusCode: 404, requestId: expect.any(String) });
  });

  it('refuses an unknown account with ForbiddenException', async () => {
    const err = await failure(chime.send(new GetUserCommand({ AccountId: 'other-account', UserId: 'u-bob' })));
    expect(err.name).toBe('ForbiddenException');
    expect(err.$metadata.httpStatusCode).toBe(403);
  });

  it('resets a PIN to a fresh 10-digit value that pinOf reports and no call records', async () => {
    const reset = () => chime.send(new ResetPersonalPINCommand({ AccountId: ACCOUNT, UserId: 'u-ann' }));
    const first = (await reset()).User?.PersonalPIN;
    const second = (await reset()).User?.PersonalPIN;

    expect(first).toMatch(/^\d{10}$/);
    expect(second).toMatch(/^\d{10}$/);
    expect(second).not.toBe(first);
    expect(sim.pinOf('u-ann')).toBe(second);
    expect(sim.callsTo('ResetPersonalPIN')).toHaveLength(2);
    const log = JSON.stringify(sim.calls);
    expect(log).not.toContain(first);
    expect(log).not.toContain(second);

    // The PIN appears only in the reset response.
    const { User } = await chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-ann' }));
    expect(User).not.toHaveProperty('PersonalPIN');
  });

  it('refuses to reset the PIN of a suspended user', async () => {
    const err = await failure(chime.send(new ResetPersonalPINCommand({ AccountId: ACCOUNT, UserId: 'u-gone' })));
    expect(err).toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('suspended') });
    expect(sim.pinOf('u-gone')).toBeUndefined();
  });

  it('updates the license, and rejects an unknown one', async () => {
    const { User } = await chime.send(new UpdateUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob', LicenseType: 'Plus' }));
    expect(User).toMatchObject({ UserId: 'u-bob', LicenseType: 'Plus' });
    expect(sim.users.get('u-bob')?.LicenseType).toBe('Plus');
    expect(sim.callsTo('UpdateUser')[0]?.params).toEqual({ AccountId: ACCOUNT, UserId: 'u-bob', LicenseType: 'Plus' });

    const err = await failure(
      chime.send(new UpdateUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob', LicenseType: 'Gold' as 'Pro' })),
    );
    expect(err).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    expect(sim.users.get('u-bob')?.LicenseType).toBe('Plus');
  });

  it.each<[ChimeErrorCode, number]>([
    ['BadRequestException', 400],
    ['UnauthorizedClientException', 401],
    ['ForbiddenException', 403],
    ['NotFoundException', 404],
    ['ConflictException', 409],
    ['ResourceLimitExceededException', 400],
    ['ThrottledClientException', 429],
    ['ServiceFailureException', 500],
    ['ServiceUnavailableException', 503],
  ])('failNext(%s) reaches the SDK as that typed exception with status %d', async (code, status) => {
    sim.failNext('GetUser', code);
    const err = await failure(chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob' })));
    expect(err.name).toBe(code);
    expect(err.$metadata.httpStatusCode).toBe(status);
    expect(err.$fault).toBe(status >= 500 ? 'server' : 'client');
    // The failure is one-shot and the failed call is recorded.
    await chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob' }));
    expect(sim.callsTo('GetUser')).toHaveLength(2);
  });

  it('lets the SDK retry a throttled call to success', async () => {
    const retrying = chimeClient('us-east-1', 3);
    sim.failNext('ResetPersonalPIN', 'ThrottledClientException');
    const { User } = await withoutRetryJitter(() =>
      retrying.send(new ResetPersonalPINCommand({ AccountId: ACCOUNT, UserId: 'u-bob' })),
    );
    retrying.destroy();
    expect(User?.PersonalPIN).toBe(sim.pinOf('u-bob'));
    expect(sim.callsTo('ResetPersonalPIN')).toHaveLength(2);
  });

  it('refuses a client signed for another region, before recording anything', async () => {
    const european = chimeClient('eu-west-1');
    const err = await failure(european.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob' })));
    european.destroy();
    expect(err).toMatchObject({ name: 'UnauthorizedClientException', $metadata: { httpStatusCode: 403 } });
    expect(sim.calls).toEqual([]);
  });

  it('answers an unknown route with a 404 JSON error', async () => {
    const res = await fetch(`${sim.url}/meetings`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await res.json()).toEqual({ Code: 'UnknownOperation', Message: expect.any(String) });
  });

  it('delays responses by the configured latency', async () => {
    sim.setLatency(60);
    const started = Date.now();
    await chime.send(new GetUserCommand({ AccountId: ACCOUNT, UserId: 'u-bob' }));
    sim.setLatency(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('WorkMail simulator', () => {
  let sim: WorkMailSimulator;
  let workmail: WorkMailClient;
  const workmailClient = (maxAttempts = 1) =>
    new WorkMailClient({ endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts });

  beforeAll(async () => {
    sim = await startWorkMailSimulator({
      organizationId: ORG,
      users: [
        { Id: 'w-ann', Email: 'ann@example.com', Name: 'ann', DisplayName: 'Ann', State: 'ENABLED', UserRole: 'USER' },
        { Id: 'w-anna', Email: 'Anna@example.com', Name: 'anna', State: 'ENABLED', UserRole: 'USER' },
        { Id: 'w-bob', Email: 'bob@example.com', Name: 'bob', State: 'DISABLED', UserRole: 'USER' },
        { Id: 'w-room', Email: 'room@example.com', Name: 'room', State: 'ENABLED', UserRole: 'RESOURCE' },
      ],
    });
    workmail = workmailClient();
  });
  afterAll(async () => {
    workmail.destroy();
    await sim.close();
  });
  afterEach(() => sim.clear());

  it('lists users by a case-insensitive e-mail prefix', async () => {
    const { Users } = await workmail.send(
      new WorkMailListUsersCommand({ OrganizationId: ORG, Filters: { PrimaryEmailPrefix: 'ANN' } }),
    );
    expect(Users?.map((u) => u.Id)).toEqual(['w-ann', 'w-anna']);
    expect(Users?.[0]).toEqual({
      Id: 'w-ann',
      Email: 'ann@example.com',
      Name: 'ann',
      DisplayName: 'Ann',
      State: 'ENABLED',
      UserRole: 'USER',
    });
  });

  it('paginates with MaxResults and NextToken', async () => {
    const first = await workmail.send(new WorkMailListUsersCommand({ OrganizationId: ORG, MaxResults: 3 }));
    expect(first.Users).toHaveLength(3);
    const second = await workmail.send(
      new WorkMailListUsersCommand({ OrganizationId: ORG, MaxResults: 3, NextToken: first.NextToken }),
    );
    expect(second.Users?.map((u) => u.Id)).toEqual(['w-room']);
    expect(second.NextToken).toBeUndefined();
  });

  it('describes a user, and answers EntityNotFound for an unknown one', async () => {
    const described = await workmail.send(new DescribeUserCommand({ OrganizationId: ORG, UserId: 'w-ann' }));
    expect(described).toMatchObject({ UserId: 'w-ann', Name: 'ann', Email: 'ann@example.com', State: 'ENABLED', UserRole: 'USER' });

    const err = await failure(workmail.send(new DescribeUserCommand({ OrganizationId: ORG, UserId: 'w-nobody' })));
    expect(err).toMatchObject({ name: 'EntityNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });

  it('answers OrganizationNotFound for an unknown organization', async () => {
    const err = await failure(workmail.send(new DescribeUserCommand({ OrganizationId: 'm-other', UserId: 'w-ann' })));
    expect(err.name).toBe('OrganizationNotFoundException');
  });

  it('resets a password, remembering it but never logging it', async () => {
    const password = 'Correct-Horse-42';
    await workmail.send(new ResetPasswordCommand({ OrganizationId: ORG, UserId: 'w-ann', Password: password }));

    expect(sim.passwordOf('w-ann')).toBe(password);
    expect(sim.callsTo('ResetPassword')[0]?.params).toEqual({ OrganizationId: ORG, UserId: 'w-ann', Password: '[redacted]' });
    expect(JSON.stringify(sim.calls)).not.toContain(password);
  });

  it.each([
    ['too short', 'Ab1defg'],
    ['no upper case', 'abcdefg1'],
    ['no lower case', 'ABCDEFG1'],
    ['no digit', 'Abcdefgh'],
    ['the user name', 'MyAnna2024'],
  ])('rejects a weak password (%s) with InvalidPasswordException', async (_why, password) => {
    const err = await failure(
      workmail.send(new ResetPasswordCommand({ OrganizationId: ORG, UserId: 'w-anna', Password: password })),
    );
    expect(err.name).toBe('InvalidPasswordException');
    expect(sim.passwordOf('w-anna')).toBeUndefined();
    expect(JSON.stringify(sim.calls)).not.toContain(password);
  });

  it('refuses disabled users and non-person entities', async () => {
    const reset = (UserId: string) =>
      failure(workmail.send(new ResetPasswordCommand({ OrganizationId: ORG, UserId, Password: 'Str0ng-enough' })));
    expect((await reset('w-bob')).name).toBe('EntityStateException');
    expect((await reset('w-room')).name).toBe('UnsupportedOperationException');
  });

  it('reports failNext codes the SDK does not model (ThrottlingException) under their own name', async () => {
    sim.failNext('DescribeUser', 'ThrottlingException');
    const err = await failure(workmail.send(new DescribeUserCommand({ OrganizationId: ORG, UserId: 'w-ann' })));
    expect(err).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  });

  it('lets the SDK retry a throttled call to success', async () => {
    const retrying = workmailClient(3);
    sim.failNext('ResetPassword', 'ThrottlingException');
    await withoutRetryJitter(() =>
      retrying.send(new ResetPasswordCommand({ OrganizationId: ORG, UserId: 'w-anna', Password: 'Another-G00d-one' })),
    );
    retrying.destroy();
    expect(sim.callsTo('ResetPassword')).toHaveLength(2);
    expect(sim.passwordOf('w-anna')).toBe('Another-G00d-one');
  });

  it('refuses a request signed for another service', async () => {
    const res = await fetch(sim.url, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'WorkMailService.DescribeUser',
        'Content-Type': 'application/x-amz-json-1.1',
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: JSON.stringify({ OrganizationId: ORG, UserId: 'w-ann' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'InvalidSignatureException' });
    expect(sim.calls).toEqual([]);
  });
});
