import { CREDENTIALS } from '../../src/credentials';
import { secretIn, useHarness } from '../support/harness';

/** `/reset`: one command for every credential this deployment serves. */
describe('/reset', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const buttonsOf = (json: any) => (json.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));

  it("answers privately with one button per credential this deployment serves, in the registry's order", async () => {
    const res = await h.command('/reset', 'UANN');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(buttonsOf(res.json).map((b: any) => b.text.text)).toEqual(CREDENTIALS.map((c) => c.words.homeButton));
    // Answered in the acknowledgement: nothing else was asked of Slack or a directory.
    expect(h.slack.calls).toEqual([]);
  });

  it('a button opens the same confirmation as the command, with the same checks, and resets the same way', async () => {
    const res = await h.command('/reset', 'UANN');
    const pin = buttonsOf(res.json).find((b: any) => b.value === 'pin');
    const fromPicker = await h.opening((t) => h.click('UANN', pin.action_id, pin.value, { channel: 'C0GENERAL', ts: '1700000000.000100' }, t));
    const fromCommand = await h.open('/reset-pin', 'UANN');
    const withoutTicket = (v: Record<string, any>) => ({ ...v, id: undefined, private_metadata: undefined });
    expect(withoutTicket(fromPicker.view)).toEqual(withoutTicket(fromCommand.view));
    const final = await h.shownAfter(await h.submit('UANN', fromPicker.view), fromPicker.viewId);
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-ann'));
  });

  it('a Slack guest is refused on the click exactly as by the command, and nothing is reset', async () => {
    const res = await h.command('/reset', 'UGUEST');
    const pin = buttonsOf(res.json).find((b: any) => b.value === 'pin');
    const opened = await h.opening((t) => h.click('UGUEST', pin.action_id, pin.value, { channel: 'C0GENERAL', ts: '1700000000.000200' }, t));
    expect(opened.view.submit).toBeUndefined();
    expect(JSON.stringify(opened.view.blocks)).toContain('Guest accounts cannot use self-service resets.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
});

describe('/reset where a credential is not set up', () => {
  const h = useHarness({ without: ['pin'] });

  it('offers only what this deployment serves: the same resets as the Home tab', async () => {
    const res = await h.command('/reset', 'UANN');
    const buttons = (res.json.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b: any) => b.value)).not.toContain('pin');
    const { home } = await h.openHome('UANN');
    const homeButtons = (home.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((b: any) => CREDENTIALS.some((c) => c.id === b.value));
    expect(buttons.map((b: any) => [b.action_id, b.text.text])).toEqual(homeButtons.map((b: any) => [b.action_id, b.text.text]));
  });
});
