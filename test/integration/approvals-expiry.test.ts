import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbPendingRequests } from '../../src/approvals/dynamodb-pending-requests';
import type { PendingRequest } from '../../src/flows/approvals/pending-request';
import { TEAM, useHarness, type Harness } from '../support/harness';

/**
 * Issue 26, 2.1: requests past their time never crowd live ones out, of the admin's queue or of a
 * person's own list, over HTTP against the real app and its DynamoDB table.
 */
const textOf = (home: Record<string, any>) => JSON.stringify(home.blocks);
const reviewValues = (home: Record<string, any>) => (home.blocks as any[]).flatMap((b) => (b.accessory?.action_id === 'license_review' ? [b.accessory.value] : []));

async function asksForLicense(h: Harness, userId: string): Promise<string> {
  return (await h.asksForLicense(userId, { reason: 'webinars' })).requestId;
}

describe('expired requests in the review queue', () => {
  const h = useHarness({}, (x) => x.slack.clear());
  let store: DynamoDbPendingRequests;
  let client: DynamoDBClient;
  beforeAll(() => {
    client = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
    store = new DynamoDbPendingRequests(client, 'latchkey-approvals', { now: () => new Date() });
  });
  afterAll(() => client.destroy());

  /** `count` requests from `who`, made days ago and past their time, never noticed by anyone. */
  async function expiredAhead(count: number, who: (i: number) => string, slot = (i: number) => `old-${i}`): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const made = new Date(Date.now() - 10 * 86_400_000 + i * 60_000);
      const request: PendingRequest = {
        id: `${made.toISOString()}_old${String(i).padStart(9, '0')}`,
        kind: 'license',
        requester: { userId: who(i), teamId: TEAM },
        requesterEmail: `${who(i).toLowerCase()}@example.com`,
        directoryUserId: `chime-${i}`,
        detail: { from: 'Basic', to: 'Plus' },
        reason: 'old',
        status: 'PENDING',
        createdAt: made.toISOString(),
        expiresAt: new Date(made.getTime() + 3_600_000).toISOString(),
      };
      await store.create(request, slot(i));
      ids.push(request.id);
    }
    return ids;
  }

  it('35 expired requests ahead of a live one: the admin sees the live one, and the expired ones leave the queue', async () => {
    const old = await expiredAhead(35, (i) => `UOLD${i}`);
    const live = await asksForLicense(h, 'UBOB');
    const { home } = await h.openHome('UADA');
    expect(reviewValues(home)).toEqual([live]);
    expect(textOf(home)).not.toContain('No request is waiting');
    // Closed once the tab is shown (it never waits for that): the next read of the queue does not meet them again.
    let page = await store.pending(50);
    for (let i = 0; i < 250 && page.requests.length > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await store.pending(50);
    }
    expect(page.requests.map((r) => r.id)).toEqual([live]);
    expect((await store.get(old[0]!))?.status).toBe('EXPIRED');
  });

  it("a person's own Home tab shows their live request, with 31 expired ones of theirs ahead of it in the queue", async () => {
    // One after another, each taking over the place of the one before once it was past its time.
    await expiredAhead(31, () => 'UCARL', () => 'OPEN');
    const live = await asksForLicense(h, 'UCARL');
    const { home } = await h.openHome('UCARL');
    const own = (home.blocks as any[]).slice((home.blocks as any[]).findIndex((b) => b.text?.text === 'Your requests'));
    expect(JSON.stringify(own[1])).toContain('Waiting for an admin');
    const request = await store.get(live);
    expect(request?.status).toBe('PENDING');
  });
});
