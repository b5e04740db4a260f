/* The sandbox page: plays the Slack client for one demo person at a time. Polls /api/state. */
(function () {
  'use strict';
  const { renderBlocks, mrkdwn, text: renderText, escapeHtml, drawable } = window.BlockKit;
  /** The page's own emoji, where a font draws them; otherwise the fallback (a letter, or nothing and the words alone). */
  const glyph = (emoji, fallback = '') => (drawable(emoji) ? emoji : fallback);
  /** Before a label: the emoji and a space, or nothing. */
  const lead = (emoji) => (drawable(emoji) ? `${emoji} ` : '');
  const $ = (id) => document.getElementById(id);

  let ws; // /api/workspace
  let me;
  let conversation;
  let signature = '';
  let state = { modals: [], conversations: {}, home: null, panel: { audit: [], approvals: [], calls: [], directory: [], logs: [] } };
  let tab = 'audit';
  const seen = {}; // `${user}/${channel}` → messages count when last viewed
  const rendered = { messages: '', panel: '', modalKey: '', modalExtras: '', sidebar: '' };
  const openDetails = new Set();

  const ctx = () => ({
    people: Object.fromEntries(ws.people.map((p) => [p.id, p])),
    channels: Object.fromEntries(ws.channels.map((c) => [c.id, c])),
  });
  const dmId = () => `D${me}`;
  /** The sidebar's entry for Latchkey's Home tab: not a conversation, a page the app publishes. */
  const HOME = 'HOME';

  async function api(path, body) {
    const res = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: me, ...body }) } : {});
    const json = await res.json();
    if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
    return json;
  }

  // ---- people and conversations --------------------------------------------------------------

  function setPerson(id) {
    me = id;
    const p = ws.people.find((x) => x.id === id);
    // The picker already says "(admin)" or "(guest)" (the server's label); the line says what this person shows.
    $('about').textContent = p ? p.about : '';
    $('as').value = id;
    const url = new URL(location.href);
    url.searchParams.set('as', id);
    history.replaceState(null, '', url);
    signature = '';
    rendered.messages = rendered.modalKey = rendered.sidebar = '';
    if (conversation === HOME) openHome();
    poll();
  }

  /** As Slack does each time the tab is shown: tell the app, which publishes the tab anew. */
  async function openHome() {
    try {
      await api('/api/home', {});
    } finally {
      poll();
    }
  }

  function setConversation(id) {
    conversation = id;
    rendered.messages = rendered.sidebar = '';
    const home = id === HOME;
    $('composer').hidden = home;
    $('shortcuts').hidden = home;
    render();
    if (home) openHome();
    else $('composer-input').focus();
  }

  function conversationName(id) {
    const c = ws.channels.find((x) => x.id === id);
    return c ? `# ${c.name}` : id === HOME ? 'Latchkey Home' : id.startsWith('D') ? 'Latchkey' : id;
  }

  function renderSidebar() {
    const item = (id, label) => {
      const count = id === HOME ? 0 : (state.conversations[id] || []).length;
      const key = `${me}/${id}`;
      if (id === conversation) seen[key] = count;
      const unread = count - (seen[key] || 0);
      return `<li data-channel="${escapeHtml(id)}" class="${id === conversation ? 'active' : ''} ${unread > 0 ? 'unread' : ''}"><span>${escapeHtml(label)}</span>${unread > 0 ? `<span class="badge">${unread}</span>` : ''}</li>`;
    };
    const html = ws.channels.map((c) => item(c.id, `# ${c.name}`)).join('') + '|' + item(HOME, `${lead('🏠')}Latchkey Home`) + item(dmId(), `${lead('🔑')}Latchkey`);
    if (html === rendered.sidebar) return;
    rendered.sidebar = html;
    const [channels, dms] = html.split('|');
    $('channels').innerHTML = channels;
    $('dms').innerHTML = dms;
  }

  function timeOf(ts) {
    const d = new Date(Number(String(ts).split('.')[0]) * 1000);
    return d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
  }

  function renderHome() {
    const html = state.home
      ? `<div class="home" data-view-id="${escapeHtml(state.home.id || '')}">${renderBlocks(state.home.blocks || [], { ...ctx(), surface: 'home' })}</div>`
      : '<div class="empty">Opening Latchkey\'s Home tab…</div>';
    const key = HOME + html;
    if (key === rendered.messages) return;
    rendered.messages = key;
    const box = $('messages');
    const scroll = box.scrollTop;
    box.innerHTML = html;
    box.scrollTop = scroll;
    $('conversation-title').textContent = conversationName(HOME);
    $('conversation-topic').textContent = 'Published by the app for you alone';
  }

  function renderMessages() {
    if (conversation === HOME) return renderHome();
    const list = state.conversations[conversation] || [];
    const html = list.length
      ? list
          .map((m) => {
            const person = ws.people.find((p) => p.id === m.from);
            const name = m.from === 'bot' ? 'Latchkey' : m.from === 'slackbot' ? 'Slackbot' : person ? person.name : m.from;
            const avatar = m.from === 'bot' ? glyph('🔑', 'L') : m.from === 'slackbot' ? glyph('🤖', 'S') : glyph('🙂', escapeHtml(name.slice(0, 1)));
            const body = Array.isArray(m.blocks) && m.blocks.length ? renderBlocks(m.blocks, { ...ctx(), surface: 'message' }) : mrkdwn(m.text || '', ctx());
            return (
              `<div class="message${m.ephemeralFor ? ' ephemeral' : ''}" data-ts="${escapeHtml(m.ts)}" data-channel="${escapeHtml(m.channel)}">` +
              `<div class="avatar">${avatar}</div><div class="message-main">` +
              (m.ephemeralFor ? `<div class="only-you">${lead('👁')}Only visible to you</div>` : '') +
              `<div class="message-head"><span class="sender">${escapeHtml(name)}</span>${m.from === 'bot' ? '<span class="app-tag">APP</span>' : ''}<span class="timestamp">${timeOf(m.ts)}</span>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>` +
              `<div class="message-body">${body}</div></div></div>`
            );
          })
          .join('')
      : `<div class="empty">Nothing here yet. ${conversation.startsWith('D') ? 'Latchkey writes to you here after a reset or a license decision.' : 'Type a slash command below.'}</div>`;
    const key = conversation + html;
    if (key === rendered.messages) return;
    const box = $('messages');
    rendered.messages = key;
    box.innerHTML = html;
    box.scrollTop = box.scrollHeight; // the newest message, as Slack does
    $('conversation-title').textContent = conversationName(conversation);
    $('conversation-topic').textContent = conversation === ws.channels[1]?.id ? 'Requests for admins to review: license changes, and resets that need an approval' : conversation.startsWith('D') ? 'Direct messages from the app' : '';
  }

  // ---- modal --------------------------------------------------------------------------------

  /** What the person has typed or picked, by block and action id. */
  function collectValues(root) {
    const values = {};
    for (const el of root.querySelectorAll('[data-kind="input"]')) {
      const blockId = el.dataset.blockId;
      const actionId = el.dataset.actionId;
      let value = null;
      if (el.dataset.type === 'radio_buttons') {
        const checked = el.querySelector('input:checked');
        value = checked ? checked.value : null;
      } else if ('value' in el) {
        value = el.value === '' ? (el.dataset.type === 'static_select' ? null : '') : el.value;
      }
      values[blockId] = { ...(values[blockId] || {}), [actionId]: value };
    }
    return values;
  }

  function restoreValues(root, values) {
    for (const el of root.querySelectorAll('[data-kind="input"]')) {
      const v = values[el.dataset.blockId]?.[el.dataset.actionId];
      if (v === undefined || v === null) continue;
      if (el.dataset.type === 'radio_buttons') {
        const radio = [...el.querySelectorAll('input')].find((r) => r.value === v);
        if (radio) radio.checked = true;
      } else el.value = v;
    }
  }

  function renderModal() {
    const stack = state.modals || [];
    const layer = stack[stack.length - 1];
    const backdrop = $('modal-backdrop');
    if (!layer) {
      backdrop.hidden = true;
      rendered.modalKey = '';
      $('modal').innerHTML = '';
      return;
    }
    const view = layer.view;
    const key = `${me}/${view.id}/${view.hash}`;
    const extras = JSON.stringify([layer.errors, layer.notice, Boolean(layer.submitting), stack.length]);
    if (key === rendered.modalKey && extras === rendered.modalExtras) return;
    const modal = $('modal');
    // The same view, updated or not: Slack keeps what was typed or picked in each input whose
    // block_id and action_id the update keeps (and ignores its initial values there).
    const keep = rendered.modalKey.startsWith(`${me}/${view.id}/`) ? collectValues(modal) : undefined;
    rendered.modalKey = key;
    rendered.modalExtras = extras;
    const title = view.title ? renderText(view.title) : '';
    const titleLimit = view.title && view.title.text.length > 24 ? '<div class="bk-limit">Slack would refuse this: title over 24 characters</div>' : '';
    modal.dataset.viewId = view.id;
    modal.dataset.callbackId = view.callback_id || '';
    modal.innerHTML =
      `<div class="modal-head">${stack.length > 1 ? '<button type="button" class="modal-back" title="Back" data-modal="back">‹</button>' : ''}<div class="modal-app">${glyph('🔑', 'L')}</div>` +
      `<div class="modal-title" id="modal-title">${title}</div><button type="button" class="modal-x" title="Close" data-modal="x">×</button></div>` +
      titleLimit +
      (layer.notice ? `<div class="modal-notice" role="alert">${escapeHtml(layer.notice)}</div>` : '') +
      `<div class="modal-body">${renderBlocks(view.blocks || [], { ...ctx(), surface: 'modal', errors: layer.errors || {} })}</div>` +
      `<div class="modal-foot"><button type="button" class="modal-close" data-modal="close">${view.close ? renderText(view.close) : 'Cancel'}</button>` +
      (view.submit ? `<button type="button" class="modal-submit" data-modal="submit" aria-busy="${layer.submitting ? 'true' : 'false'}"${layer.submitting ? ' disabled' : ''}>${renderText(view.submit)}</button>` : '') +
      `</div>`;
    for (const select of modal.querySelectorAll('select[data-initial]')) if (select.dataset.initial) select.value = select.dataset.initial;
    if (keep) restoreValues(modal, keep);
    backdrop.hidden = false;
  }

  /**
   * An input of an input block with dispatch_action changed (a pick; Enter in a text input): Slack
   * sends block_actions at once, with what the modal holds, and shows the app's views.update of it.
   */
  async function dispatchChange(el) {
    const block = el.closest('.bk-input');
    if (!block || block.dataset.dispatchAction !== 'true') return;
    const modal = $('modal');
    try {
      await api('/api/change', { target: { viewId: modal.dataset.viewId, blockId: el.dataset.blockId, actionId: el.dataset.actionId }, values: collectValues(modal) });
    } finally {
      poll();
    }
  }

  async function submitModal() {
    const modal = $('modal');
    const values = collectValues(modal);
    // Slack itself refuses to send a submission with a required field left empty.
    let missing = false;
    for (const block of modal.querySelectorAll('.bk-input')) {
      const el = block.querySelector('[data-kind="input"]');
      if (!el || block.dataset.optional === 'true') continue;
      const v = values[el.dataset.blockId]?.[el.dataset.actionId];
      block.querySelector('.bk-required')?.remove();
      if (v === null || v === '') {
        missing = true;
        block.insertAdjacentHTML('beforeend', '<div class="bk-error bk-required" role="alert">Please complete this required field.</div>');
      }
    }
    if (missing) return;
    const submit = modal.querySelector('.modal-submit');
    if (submit) {
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
    }
    try {
      await api('/api/submit', { viewId: modal.dataset.viewId, values });
    } finally {
      poll();
    }
  }

  // ---- side panel ---------------------------------------------------------------------------

  const clock = (at) => {
    const d = typeof at === 'number' ? new Date(at) : new Date(String(at));
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('en-GB', { hour12: false });
  };
  const orList = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);
  const personName = (id) => ws.people.find((p) => p.id === id)?.name || id;

  function details(key, summary, body, failed) {
    return `<details class="entry${failed ? ' failed' : ''}" data-key="${escapeHtml(key)}"${openDetails.has(key) ? ' open' : ''}><summary>${summary}</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>`;
  }

  function renderPanel() {
    const p = state.panel;
    let html = '';
    if (tab === 'audit') {
      html += p.audit.length
        ? p.audit
            .map((r) => {
              // A push its person cancelled or let lapse is on record as a failure (nothing was changed), but nothing failed.
              const ended = r.outcome === 'failure' && ws.words.pushEnded[r.errorCode];
              // Led by what the audit search calls it, in words ("Okta password reset", "account suspended");
              // the record's own IDs (its action, its failure's code) stay after it, in grey.
              const why = r.errorCode && (ws.words.failures[r.errorCode] || r.errorCode);
              const outcome = ended
                ? `: <span class="outcome-ended">${escapeHtml(ended)}; nothing was changed</span>`
                : r.outcome
                  ? `: <span class="outcome-${r.outcome}">${r.outcome}</span>${why ? ` (${escapeHtml(why)})` : ''}`
                  : why
                    ? `: ${escapeHtml(why)}`
                    : '';
              const extra = [r.decision, r.licenseFrom && `${r.licenseFrom} → ${r.licenseTo}`, r.deliveryFailed && 'secret not delivered', r.action, !ended && r.errorCode, r.directory].filter(Boolean).join(' · ');
              const name = ws.words.actions[r.action] || r.action;
              return details(`audit/${r.sk}`, `<span class="when">${clock(r.at)}</span><span class="what"><b>${escapeHtml(name)}</b> ${escapeHtml(r.phase)} by ${escapeHtml(personName(r.slackUserId))}${outcome}${extra ? ` <span class="timestamp">${escapeHtml(extra)}</span>` : ''}</span>`, r, r.outcome === 'failure' && !ended);
            })
            .join('')
        : '<div class="empty">No audit records yet. Every reset and license decision writes here (DynamoDB table latchkey-audit).</div>';
      if (p.approvals.length) {
        // A request's kind says what it asks for (detail); a license change's, stored before kinds, has from and to.
        const asked = (a) => {
          const d = a.detail && typeof a.detail === 'object' ? a.detail : a;
          return d.from || d.to ? `${d.from || '?'} → ${d.to || '?'}` : Object.entries(d === a ? {} : d).map(([k, v]) => `${k} ${v}`).join(', ');
        };
        // A reset is named by its credential's noun, as the Home tab lists it ("mail password reset"), never by its ID.
        const line = (a) => {
          const who = personName(a.requester?.userId || a.requesterUserId || '');
          const credential = a.kind === 'reset' && a.detail && typeof a.detail === 'object' ? a.detail.credential : undefined;
          return credential ? `${ws.words.requests[credential] || 'credential reset'} · ${who}` : `${a.kind || 'license'} · ${who}: ${asked(a)}`;
        };
        html += '<h4>Requests for admins <span class="timestamp">table latchkey-approvals</span></h4>' + p.approvals.map((a) => details(`approval/${a.id || a.pk}`, `<span class="when">${clock(a.createdAt)}</span><span class="what"><b>${escapeHtml(String(a.status))}</b> ${escapeHtml(line(a))}</span>`, a)).join('');
      }
    } else if (tab === 'calls') {
      html += p.calls.length
        ? p.calls
            .map((c, i) => {
              const src = c.source.toLowerCase().replace(/[^a-z]+/g, '-').replace(/-$/, '');
              return details(`call/${c.at}/${c.name}/${p.calls.length - i}`, `<span class="when">${clock(c.at)}</span><span class="what"><span class="src src-${src}">${escapeHtml(c.source)}</span><b>${escapeHtml(c.name)}</b> ${escapeHtml(c.summary || '')}</span>`, c.detail, !c.ok);
            })
            .join('')
        : '<div class="empty">No calls yet.</div>';
    } else if (tab === 'directory') {
      // One column per directory the app resets, as the sandbox lists them.
      const head = ['Person', 'Slack', ...p.columns].map((c) => `<th>${escapeHtml(c)}</th>`).join('');
      html += `<table class="directory"><tr>${head}</tr>${p.directory
        .map((d) => `<tr>${[d.name, d.slack, ...d.accounts].map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</table>`;
    } else {
      html += p.logs.map((l, i) => details(`log/${l.time}/${p.logs.length - i}`, `<span class="when">${clock(l.time)}</span><span class="what"><b>${escapeHtml(l.level || '')}</b> ${escapeHtml(l.msg || '')}</span>`, l, l.level === 'error' || l.level === 'fatal')).join('') || '<div class="empty">No log lines yet.</div>';
    }
    if (html === rendered.panel) return;
    rendered.panel = html;
    const body = $('panel-body');
    const scroll = body.scrollTop;
    body.innerHTML = html;
    body.scrollTop = scroll;
  }

  // ---- polling ------------------------------------------------------------------------------

  function render() {
    renderSidebar();
    renderMessages();
    renderModal();
    renderPhone();
    renderPanel();
  }

  /** The picked person's phone: a push waiting on it (the verify policy), its numbers to pick from (or Approve), and Reject. */
  function renderPhone() {
    const pushes = state.phone || [];
    const el = $('phone');
    const key = JSON.stringify([me, pushes]);
    if (rendered.phone === key) return;
    rendered.phone = key;
    el.hidden = pushes.length === 0;
    const name = (ws.people.find((p) => p.id === me) || {}).name || me;
    el.innerHTML = pushes
      .map(
        (p) =>
          `<div class="phone-push" data-push="${escapeHtml(p.id)}"><div class="phone-title">${lead('📱')}${escapeHtml(name)}'s phone · ${escapeHtml(p.app)}</div>` +
          `<div>Latchkey asks: are you trying to reset a credential?</div>` +
          // Number matching: the phone offers a few numbers; only the one Latchkey's window shows approves.
          (p.choices
            ? `<div>Pick the number Latchkey shows you:</div><div class="phone-actions phone-choices">` +
              p.choices.map((n) => `<button type="button" class="choice" data-answer="approve" data-pick="${escapeHtml(String(n))}">${escapeHtml(String(n))}</button>`).join('') +
              `</div><div class="phone-actions"><button type="button" class="reject" data-answer="reject">No, it's not me</button></div></div>`
            : `<div class="phone-actions"><button type="button" class="approve" data-answer="approve">Approve</button><button type="button" class="reject" data-answer="reject">Reject</button></div></div>`),
      )
      .join('');
  }

  let polling = false;
  async function poll() {
    if (polling || !me) return;
    polling = true;
    try {
      const user = me;
      const next = await api(`/api/state?user=${encodeURIComponent(user)}&since=${encodeURIComponent(signature)}`);
      if (user === me && !next.unchanged) {
        signature = next.signature;
        state = next;
        render();
      }
    } catch (err) {
      console.warn('poll failed', err);
    } finally {
      polling = false;
    }
  }

  // ---- events -------------------------------------------------------------------------------

  function bind() {
    $('as').addEventListener('change', (e) => setPerson(e.target.value));
    $('phone').addEventListener('click', async (e) => {
      const button = e.target.closest('button[data-answer]');
      const push = e.target.closest('[data-push]');
      if (!button || !push) return;
      try {
        const pick = button.dataset.pick !== undefined ? Number(button.dataset.pick) : undefined;
        await api('/api/phone', { push: push.dataset.push, approve: button.dataset.answer === 'approve', ...(pick !== undefined && { pick }) });
      } catch (err) {
        console.warn('phone answer failed', err);
      } finally {
        poll();
      }
    });
    document.querySelector('.sidebar').addEventListener('click', (e) => {
      const li = e.target.closest('li[data-channel]');
      if (li) setConversation(li.dataset.channel);
    });
    $('composer').addEventListener('submit', async (e) => {
      e.preventDefault();
      const input = $('composer-input');
      const line = input.value.trim();
      if (!line) return;
      if (!line.startsWith('/')) {
        input.setCustomValidity(`The sandbox only sends slash commands: ${orList(ws.commands)}`);
        input.reportValidity();
        return;
      }
      input.value = '';
      try {
        await api('/api/command', { channel: conversation, text: line });
      } finally {
        poll();
      }
    });
    $('composer-input').addEventListener('input', (e) => e.target.setCustomValidity(''));
    $('shortcuts').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-command]');
      if (!b) return;
      $('composer-input').value = b.dataset.command;
      $('composer').requestSubmit();
    });
    $('modal').addEventListener('click', async (e) => {
      const control = e.target.closest('[data-modal]');
      const viewId = $('modal').dataset.viewId;
      if (control) {
        const what = control.dataset.modal;
        if (what === 'submit') return submitModal();
        await api('/api/close', { viewId, all: what === 'x' });
        return poll();
      }
      const action = e.target.closest('[data-kind="action"]');
      if (action) return clickAction(action, { viewId });
    });
    $('modal').addEventListener('change', (e) => {
      const input = e.target.closest('[data-kind="input"]');
      // A text input dispatches on Enter (Slack's default trigger, on_enter_pressed), not when it loses focus.
      if (input && !(input.dataset.type || '').endsWith('text_input') && input.dataset.type !== 'number_input') dispatchChange(input);
    });
    $('modal').addEventListener('keydown', (e) => {
      const input = e.target.closest('input[data-kind="input"]');
      if (input && e.key === 'Enter' && input.type === 'text') {
        e.preventDefault();
        dispatchChange(input);
      }
    });
    $('messages').addEventListener('click', (e) => {
      const action = e.target.closest('[data-kind="action"]');
      if (!action) return;
      if (conversation === HOME) return clickAction(action, { home: true });
      const message = action.closest('.message');
      clickAction(action, { channel: message.dataset.channel, ts: message.dataset.ts });
    });
    document.querySelector('.tabs').addEventListener('click', (e) => {
      const t = e.target.closest('[data-tab]');
      if (!t) return;
      tab = t.dataset.tab;
      for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b === t);
      rendered.panel = '';
      renderPanel();
    });
    $('panel-body').addEventListener('toggle', (e) => {
      const d = e.target;
      if (!d.dataset || !d.dataset.key) return;
      if (d.open) openDetails.add(d.dataset.key);
      else openDetails.delete(d.dataset.key);
    }, true);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !$('modal-backdrop').hidden) api('/api/close', { viewId: $('modal').dataset.viewId, all: true }).then(poll);
    });
  }

  async function clickAction(el, where) {
    if (el.dataset.url) window.open(el.dataset.url, '_blank', 'noopener');
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
    el.disabled = true;
    try {
      await api('/api/click', { target: { ...where, blockId: el.dataset.blockId, actionId: el.dataset.actionId, value: el.dataset.value } });
    } finally {
      el.disabled = false;
      poll();
    }
  }

  async function start() {
    ws = await api('/api/workspace');
    $('workspace-name').textContent = `· ${ws.name}`;
    // The page's own marks, where no font draws them: the words alone, and an arrow every font has.
    document.querySelector('.logo').textContent = glyph('🔑');
    document.querySelector('.send').textContent = glyph('➤', '→');
    $('as').innerHTML = ws.people.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.label || p.name)}</option>`).join('');
    $('shortcuts').innerHTML = ws.commands.map((c) => `<button type="button" data-command="${escapeHtml(c)}">${escapeHtml(c)}</button>`).join('');
    $('composer-input').placeholder = `Type a slash command: ${ws.commands.join(', ')}`;
    const { limits } = ws;
    // The command as code, not with the backticks of Markdown around it: a text node shows them as typed.
    const command = document.createElement('code');
    command.textContent = `npm run sandbox -- --reset-limit=${limits.defaults.resetsPerHour}`;
    $('limits-note').replaceChildren(
      `Limits here: ${limits.resetsPerHour} resets per person per hour for each credential ` +
        `(production default ${limits.defaults.resetsPerHour}, RESET_MAX_PER_HOUR; run `,
      command,
      ` to see the limit's message), ` +
        `and ${limits.licenseRequestsPerDay} license change requests a day (production default ${limits.defaults.licenseRequestsPerDay}, LICENSE_REQUEST_MAX_PER_DAY).`,
    );
    conversation = ws.channels[0].id;
    bind();
    const wanted = new URL(location.href).searchParams.get('as');
    const first = ws.people.some((p) => p.id === wanted) ? wanted : ws.people[0].id;
    // A load of the page is Slack's client starting anew: ephemeral messages from before are gone.
    await api('/api/reload', { user: first });
    setPerson(first);
    setInterval(poll, 400);
  }

  start().catch((err) => {
    document.body.insertAdjacentHTML('afterbegin', `<div class="modal-notice">The sandbox page could not start: ${escapeHtml(err.message)}</div>`);
  });
})();
