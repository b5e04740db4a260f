import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ResetPasswordCommand, WorkMailClient } from '@aws-sdk/client-workmail';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsClientSettings, forChanges } from '../../src/aws-client';
import { start, DEMO_ORGANIZATION_ID, type WorkMailSimulator } from '../../src/credentials/workmail/stand-in';
import { until } from '../support/until';

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

/**
 * A service closes a connection that has been idle a while; a call sent on it at that moment is met
 * with a reset. After a pause, every pooled connection reaches that moment together, and a burst
 * then used up the SDK's retries (aws-client.ts, AWS_IDLE_SOCKET_MS). A DynamoDB client with the
 * app's settings, against a server that answers like DynamoDB and says it keeps an idle connection
 * 2 s, but would keep it a minute: only the client can close it sooner.
 */
describe("an AWS client's idle connections", () => {
  it('are closed by the client before the service says it closes them, not left for the service to close under a call', async () => {
    const ends: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'keep-alive': 'timeout=2' });
        res.end('{}');
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => socket.on('end', () => ends.push('the client closed it')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DynamoDBClient({
      ...awsClientSettings(),
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    });
    try {
      await client.send(new GetItemCommand({ TableName: 'latchkey-audit', Key: { pk: { S: 'one' } } }));
      // Before: the SDK's agents had no idle bound of their own, and Node reads a server's hint only
      // for an agent that has one: the connection stayed open until the server closed it.
      await until('the client closing its idle connection', () => ends.length > 0, 10_000);
      expect(ends).toEqual(['the client closed it']);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
