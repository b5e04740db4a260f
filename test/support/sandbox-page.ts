/**
 * The sandbox's page API as its own page calls it, by the page's URL: for a sandbox started in the
 * test's process (startSandbox) or in one of its own (npm run sandbox).
 */

/** A POST to the page's API, with the page's own Origin. */
export function pagePost(url: string, path: string, body: object): Promise<Response> {
  return fetch(`${url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url.replace(/\/$/, '') }, body: JSON.stringify(body) });
}

/** What the Directories tab says of this person's account in this directory ('Okta', 'Amazon Chime'). */
export async function accountLine(url: string, user: string, directory: string): Promise<string | undefined> {
  const { panel } = (await (await fetch(`${url}api/state?user=${user}`)).json()) as { panel: { columns: string[]; directory: { slack: string; accounts: string[] }[] } };
  return panel.directory.find((d) => d.slack === user)!.accounts[panel.columns.indexOf(directory)];
}

/** The first view in this person's modals that matches, once one does: polled as the page polls. */
export async function modalShown(url: string, user: string, matches: (view: Record<string, any>) => boolean, ms = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { modals } = (await (await fetch(`${url}api/state?user=${user}`)).json()) as { modals: { view: Record<string, any> }[] };
    const shown = modals.map((m) => m.view).find(matches);
    if (shown) return shown;
    if (Date.now() > deadline) throw new Error(`no such modal shown to ${user}; shown: ${JSON.stringify(modals.map((m) => m.view.callback_id))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first button of this action in a message of this conversation, as this person's page shows it, once there is one. */
export async function buttonShown(url: string, user: string, channel: string, actionId: string, ms = 15_000): Promise<{ channel: string; ts: string; blockId: string; actionId: string; value?: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { conversations } = (await (await fetch(`${url}api/state?user=${user}`)).json()) as {
      conversations: Record<string, { ts: string; blocks?: { block_id: string; elements?: { action_id: string; value?: string }[] }[] }[]>;
    };
    const found = (conversations[channel] ?? [])
      .flatMap((m) => (m.blocks ?? []).flatMap((b) => (b.elements ?? []).map((e) => ({ channel, ts: m.ts, blockId: b.block_id, actionId: e.action_id, value: e.value }))))
      .find((e) => e.actionId === actionId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${actionId} button shown to ${user} in ${channel}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
