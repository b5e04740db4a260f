import { ResetPasswordCommand, WorkMailClient } from '@aws-sdk/client-workmail';
import { awsClientSettings, forChanges } from '../../src/aws-client';
import { start, DEMO_ORGANIZATION_ID, type WorkMailSimulator } from '../../src/credentials/workmail/stand-in';

/**
 * The AWS SDK's logger middleware formats every call's input and output for its logger's `info`
 * (schemaLogFilter walks them field by field) even when that logger is its silent default, whose
 * `info` does nothing: a copy of each call, a new password among its fields, made for a line that
 * is never written, and about 2 % of the app's CPU in a burst. Real client, the WorkMail stand-in.
 */
describe('an AWS client built with the app\'s settings', () => {
  let sim: WorkMailSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());

  it('reads a call\'s input only to send it: no field of it, the new password among them, is read again for a log line', async () => {
    const client = new WorkMailClient({
      ...forChanges(awsClientSettings()),
      region: 'eu-west-1',
      endpoint: sim.env['AWS_ENDPOINT_URL_WORKMAIL'],
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    });
    const reads: string[] = [];
    const input = { OrganizationId: DEMO_ORGANIZATION_ID, UserId: 'wm-ann', Password: 'Correct-Horse-9-Battery' };
    const watched = new Proxy(input, {
      get(target, key, receiver) {
        if (typeof key === 'string') reads.push(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    try {
      await client.send(new ResetPasswordCommand(watched));
    } finally {
      client.destroy();
    }
    expect(sim.passwordOf('wm-ann')).toBe(input.Password);
    // Once by the request's serializer. The logger middleware's copy read it twice more.
    expect(reads.filter((k) => k === 'Password')).toHaveLength(1);
  });
});
