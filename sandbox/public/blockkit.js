/*
 * A Block Kit renderer for the subset Latchkey uses: header, section (text, fields, button
 * accessory), context, divider, input (plain_text_input, static_select, radio_buttons), actions
 * (buttons), and mrkdwn (*bold*, _italic_, ~strike~, `code`, ```code blocks```, > quotes,
 * <@U…> mentions, <#C…> channels, <!date^…> dates, links, :emoji:). Anything else is drawn as a
 * labelled placeholder, never dropped, so a block Latchkey starts to use shows up here.
 * Slack's size limits are checked as well: a block Slack would refuse is marked in red.
 */
(function () {
  'use strict';

  const EMOJI = {
    hourglass_flowing_sand: '⏳', hourglass: '⌛', white_check_mark: '✅', warning: '⚠️', lock: '🔒', key: '🔑',
    outbox_tray: '📤', inbox_tray: '📥', no_entry: '⛔', no_entry_sign: '🚫', information_source: 'ℹ️', zzz: '💤', heavy_minus_sign: '➖',
    x: '❌', heavy_check_mark: '✔️', bell: '🔔', eyes: '👀', tada: '🎉', rotating_light: '🚨', clock3: '🕒',
    calendar: '📅', email: '📧', envelope: '✉️', telephone_receiver: '📞', bust_in_silhouette: '👤', wave: '👋',
    thumbsup: '👍', '+1': '👍', thinking_face: '🤔', memo: '📝', shield: '🛡️', closed_lock_with_key: '🔐',
    iphone: '📱', unlock: '🔓', grey_question: '❔', busts_in_silhouette: '👥', leftwards_arrow_with_hook: '↩️',
    point_right: '👉',
  };

  /**
   * Whether this browser has a font that draws the glyph. Chromium from npm has no emoji font, so
   * an emoji there is an empty box; the line reads better without it (its shortcode stays in the
   * title). Drawn once on a canvas beside a code point no font has, per glyph: the same pixels mean
   * no font drew it. Anywhere without a canvas (Node), it is taken as drawable.
   */
  const drawable = (() => {
    const known = new Map();
    const size = 24;
    let canvas;
    let missing;
    const draw = (s) => {
      canvas.clearRect(0, 0, size * 2, size);
      canvas.fillText(s, 0, size * 0.8);
      return canvas.getImageData(0, 0, size * 2, size).data;
    };
    return (glyph) => {
      if (!known.has(glyph)) {
        let yes = true;
        try {
          if (!canvas) {
            const element = document.createElement('canvas');
            element.width = size * 2;
            element.height = size;
            canvas = element.getContext('2d', { willReadFrequently: true });
            canvas.font = `${size * 0.75}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
            missing = draw('\u{10FFFD}');
          }
          const pixels = draw(glyph);
          yes = pixels.some((v, i) => v !== missing[i]);
        } catch {
          yes = true;
        }
        known.set(glyph, yes);
      }
      return known.get(glyph);
    };
  })();

  /** Slack's limits (https://api.slack.com/reference/block-kit/blocks). */
  const LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, button: 75, label: 2000, contextElements: 10, actionsElements: 25 };

  const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  /** Slack's mrkdwn arrives with &, < and > escaped; decode before escaping for HTML again. */
  const decodeEntities = (s) => String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  /** Slack's :shortcode: as its emoji, or, where no font draws it, as nothing (the words around it carry the meaning). */
  const emoji = (html) =>
    html.replace(/:([a-z0-9_+-]+):/g, (whole, name) =>
      !EMOJI[name] ? whole : drawable(EMOJI[name]) ? `<span class="emoji" title=":${name}:">${EMOJI[name]}</span>` : `<span class="emoji no-glyph" title=":${name}:"></span>`,
    );

  function placeholder(what, detail) {
    return `<div class="bk-unsupported" data-unsupported="${escapeHtml(what)}"><b>Not rendered by the sandbox:</b> ${escapeHtml(what)}${detail ? `<pre>${escapeHtml(detail)}</pre>` : ''}</div>`;
  }

  function limit(ok, message) {
    return ok ? '' : `<div class="bk-limit">Slack would refuse this: ${escapeHtml(message)}</div>`;
  }

  // ---- dates -------------------------------------------------------------------------------

  function ordinal(n) {
    const s = ['th', 'st', 'nd', 'rd'];
    const v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  function formatDate(epoch, format) {
    const d = new Date(epoch * 1000);
    if (Number.isNaN(d.getTime())) return null;
    const month = (style) => d.toLocaleString('en-US', { month: style });
    const dayName = d.toLocaleString('en-US', { weekday: 'long' });
    const startOf = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
    const days = Math.round((startOf(d) - startOf(new Date())) / 86400000);
    const relative = days === 0 ? 'Today' : days === -1 ? 'Yesterday' : days === 1 ? 'Tomorrow' : null;
    const pieces = {
      date_num: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
      date: `${month('long')} ${ordinal(d.getDate())}, ${d.getFullYear()}`,
      date_short: `${month('short')} ${d.getDate()}, ${d.getFullYear()}`,
      date_long: `${dayName}, ${month('long')} ${ordinal(d.getDate())}, ${d.getFullYear()}`,
      time: d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' }),
      time_secs: d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', second: '2-digit' }),
    };
    pieces.date_pretty = relative || pieces.date;
    pieces.date_short_pretty = relative || pieces.date_short;
    pieces.date_long_pretty = relative || pieces.date_long;
    let unknown = false;
    const out = format.replace(/\{([a-z_]+)\}/g, (whole, token) => {
      if (token in pieces) return pieces[token];
      unknown = true;
      return whole;
    });
    return unknown ? null : out;
  }

  // ---- mrkdwn ------------------------------------------------------------------------------

  function angle(inner, ctx) {
    const [target, label] = splitOnce(inner, '|');
    if (target.startsWith('@U') || target.startsWith('@W')) {
      const id = target.slice(1);
      const person = ctx.people && ctx.people[id];
      return `<span class="mention" data-user="${escapeHtml(id)}" title="${escapeHtml(id)}">@${escapeHtml(person ? person.name : label || id)}</span>`;
    }
    if (target.startsWith('#C') || target.startsWith('#G')) {
      const id = target.slice(1);
      const channel = ctx.channels && ctx.channels[id];
      return `<span class="mention channel">#${escapeHtml(channel ? channel.name : label || id)}</span>`;
    }
    if (target.startsWith('!date^')) {
      const [, epoch, format] = target.split('^');
      const text = formatDate(Number(epoch), format || '');
      return `<time class="slack-date" title="${escapeHtml(label || '')}">${escapeHtml(text === null ? label || target : text)}</time>`;
    }
    if (target.startsWith('!subteam^')) return `<span class="mention">${escapeHtml(label || '@' + target.slice(9))}</span>`;
    if (target === '!here' || target === '!channel' || target === '!everyone') return `<span class="mention">@${target.slice(1)}</span>`;
    if (/^(https?:\/\/|mailto:)/.test(target)) {
      return `<a href="${escapeHtml(target)}" target="_blank" rel="noopener noreferrer">${escapeHtml(decodeEntities(label || target.replace(/^mailto:/, '')))}</a>`;
    }
    return `<span class="bk-unsupported-inline" title="mrkdwn the sandbox does not render">&lt;${escapeHtml(inner)}&gt;</span>`;
  }

  function splitOnce(s, sep) {
    const i = s.indexOf(sep);
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
  }

  function inline(text, ctx) {
    const held = [];
    const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
    let s = text.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(decodeEntities(code))}</code>`));
    s = s.replace(/<([^<>\n]+)>/g, (_, inner) => hold(angle(inner, ctx)));
    s = escapeHtml(decodeEntities(s));
    s = s.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1<b>$2</b>');
    s = s.replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?![\w_])/g, '$1<i>$2</i>');
    s = s.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?![\w~])/g, '$1<s>$2</s>');
    s = emoji(s);
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
  }

  function lines(text, ctx) {
    const out = [];
    let quote = [];
    const flush = () => {
      if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
      quote = [];
    };
    for (const line of text.split('\n')) {
      if (line.startsWith('>')) quote.push(inline(line.slice(1), ctx));
      else {
        flush();
        out.push(inline(line, ctx) + '<br>');
      }
    }
    flush();
    return out.join('').replace(/<br>$/, '');
  }

  function mrkdwn(text, ctx) {
    const parts = String(text).split('```');
    // An unmatched ``` is shown as typed.
    if (parts.length % 2 === 0) parts[parts.length - 2] += '```' + parts.pop();
    return parts
      .map((part, i) => (i % 2 === 1 ? `<pre class="bk-code">${escapeHtml(decodeEntities(part.replace(/^\n/, '')))}</pre>` : lines(part, ctx)))
      .join('');
  }

  function text(obj, ctx) {
    if (obj === undefined || obj === null) return '';
    if (typeof obj === 'string') return mrkdwn(obj, ctx);
    if (obj.type === 'plain_text') {
      const html = escapeHtml(obj.text).replace(/\n/g, '<br>');
      return obj.emoji === false ? html : emoji(html);
    }
    if (obj.type === 'mrkdwn') return obj.verbatim ? escapeHtml(decodeEntities(obj.text)).replace(/\n/g, '<br>') : mrkdwn(obj.text, ctx);
    return placeholder(`text object of type "${obj.type}"`);
  }

  const rawText = (obj) => (obj && typeof obj.text === 'string' ? obj.text : '');

  // ---- elements ------------------------------------------------------------------------------

  function button(el, blockId, ctx) {
    const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
    const attrs = [
      `data-kind="action"`,
      `data-block-id="${escapeHtml(blockId)}"`,
      `data-action-id="${escapeHtml(el.action_id || '')}"`,
      el.value !== undefined ? `data-value="${escapeHtml(el.value)}"` : '',
      el.url ? `data-url="${escapeHtml(el.url)}"` : '',
      el.confirm ? `data-confirm="${escapeHtml(rawText(el.confirm.text) || 'Are you sure?')}"` : '',
    ].join(' ');
    return `<button type="button" class="bk-button${style}" ${attrs}>${text(el.text, ctx)}</button>${limit(rawText(el.text).length <= LIMITS.button, `button text over ${LIMITS.button} characters`)}`;
  }

  function option(o, ctx) {
    return { value: o.value, label: text(o.text, ctx), raw: rawText(o.text), description: o.description ? text(o.description, ctx) : '' };
  }

  function inputElement(el, blockId, ctx) {
    const id = `${blockId}/${el.action_id}`;
    const data = `data-kind="input" data-type="${escapeHtml(el.type)}" data-block-id="${escapeHtml(blockId)}" data-action-id="${escapeHtml(el.action_id || '')}"`;
    switch (el.type) {
      case 'plain_text_input': {
        const common = `${data} ${el.max_length ? `maxlength="${Number(el.max_length)}"` : ''} ${el.min_length ? `data-min-length="${Number(el.min_length)}"` : ''} placeholder="${escapeHtml(rawText(el.placeholder))}"`;
        return el.multiline
          ? `<textarea class="bk-text" rows="4" ${common}>${escapeHtml(el.initial_value || '')}</textarea>`
          : `<input class="bk-text" type="text" ${common} value="${escapeHtml(el.initial_value || '')}">`;
      }
      case 'static_select': {
        const groups = el.option_groups
          ? el.option_groups.map((g) => `<optgroup label="${escapeHtml(rawText(g.label))}">${(g.options || []).map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(rawText(o.text))}</option>`).join('')}</optgroup>`).join('')
          : (el.options || []).map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(rawText(o.text))}</option>`).join('');
        const initial = el.initial_option ? el.initial_option.value : '';
        return `<select class="bk-select" ${data} data-initial="${escapeHtml(initial)}"><option value="">${escapeHtml(rawText(el.placeholder) || 'Select an item')}</option>${groups}</select>`;
      }
      case 'radio_buttons': {
        const initial = el.initial_option ? el.initial_option.value : undefined;
        return `<div class="bk-radios" ${data}>${(el.options || [])
          .map((o) => option(o, ctx))
          .map(
            (o) => `<label class="bk-radio"><input type="radio" name="${escapeHtml(id)}" value="${escapeHtml(o.value)}" ${o.value === initial ? 'checked' : ''}>` +
              `<span><span class="bk-radio-label">${o.label}</span>${o.description ? `<span class="bk-radio-description">${o.description}</span>` : ''}</span></label>`,
          )
          .join('')}</div>`;
      }
      case 'users_select': {
        // Slack offers everyone in the workspace; the sandbox, its demo people.
        const people = Object.values(ctx.people || {});
        return `<select class="bk-select" ${data} data-initial="${escapeHtml(el.initial_user || '')}"><option value="">${escapeHtml(rawText(el.placeholder) || 'Select a person')}</option>${people
          .map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)}</option>`)
          .join('')}</select>`;
      }
      case 'datepicker':
        return `<input class="bk-text" type="date" ${data} value="${escapeHtml(el.initial_date || '')}">`;
      default:
        return placeholder(`input element "${el.type}"`, JSON.stringify(el, null, 1));
    }
  }

  // ---- blocks --------------------------------------------------------------------------------

  function block(b, index, ctx) {
    const blockId = b.block_id || `block-${index}`;
    const wrap = (cls, inner) => `<div class="bk-block ${cls}" data-block-id="${escapeHtml(blockId)}" data-block-type="${escapeHtml(b.type)}">${inner}</div>`;
    switch (b.type) {
      case 'header':
        return wrap('bk-header', text(b.text, ctx) + limit(rawText(b.text).length <= LIMITS.header, `header over ${LIMITS.header} characters`));
      case 'divider':
        return wrap('bk-divider', '<hr>');
      case 'section': {
        let inner = '';
        if (b.text) inner += `<div class="bk-section-text">${text(b.text, ctx)}</div>` + limit(rawText(b.text).length <= LIMITS.sectionText, `section text over ${LIMITS.sectionText} characters`);
        if (b.fields) {
          inner += `<div class="bk-fields">${b.fields.map((f) => `<div class="bk-field">${text(f, ctx)}</div>`).join('')}</div>`;
          inner += limit(b.fields.length <= LIMITS.fields, `more than ${LIMITS.fields} fields`);
        }
        if (!b.text && !b.fields) inner += limit(false, 'a section needs text or fields');
        let accessory = '';
        if (b.accessory) accessory = b.accessory.type === 'button' ? button(b.accessory, blockId, ctx) : placeholder(`section accessory "${b.accessory.type}"`);
        return wrap('bk-section', `<div class="bk-section-main">${inner}</div>${accessory ? `<div class="bk-accessory">${accessory}</div>` : ''}`);
      }
      case 'context':
        return wrap(
          'bk-context',
          (b.elements || [])
            .map((e) => (e.type === 'mrkdwn' || e.type === 'plain_text' ? `<span class="bk-context-item">${text(e, ctx)}</span>` : placeholder(`context element "${e.type}"`)))
            .join('') + limit((b.elements || []).length <= LIMITS.contextElements, `more than ${LIMITS.contextElements} context elements`),
        );
      case 'actions':
        return wrap(
          'bk-actions',
          (b.elements || []).map((e) => (e.type === 'button' ? button(e, blockId, ctx) : placeholder(`actions element "${e.type}"`))).join('') +
            limit((b.elements || []).length <= LIMITS.actionsElements, `more than ${LIMITS.actionsElements} elements`),
        );
      case 'input': {
        if (ctx.surface !== 'modal' && ctx.surface !== 'home') return wrap('', placeholder('input block outside a modal', 'Slack only shows input blocks in modals and Home tabs'));
        const error = ctx.errors && ctx.errors[blockId];
        const label = `<label class="bk-label">${text(b.label, ctx)}${b.optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>`;
        const hint = b.hint ? `<div class="bk-hint">${text(b.hint, ctx)}</div>` : '';
        return wrap(
          `bk-input${error ? ' has-error' : ''}`,
          label + inputElement(b.element || {}, blockId, ctx) + (error ? `<div class="bk-error" role="alert">${escapeHtml(error)}</div>` : '') + hint,
        ).replace('class="bk-block', `data-optional="${b.optional ? 'true' : 'false'}"${b.dispatch_action ? ' data-dispatch-action="true"' : ''} class="bk-block`);
      }
      default:
        return wrap('', placeholder(`block "${b.type}"`, JSON.stringify(b, null, 1)));
    }
  }

  /** blocks → HTML. ctx: { surface: 'modal' | 'message' | 'home', errors, people, channels }. */
  function renderBlocks(blocks, ctx) {
    if (!Array.isArray(blocks)) return placeholder('blocks that are not a list');
    return blocks.map((b, i) => block(b || {}, i, ctx)).join('');
  }

  window.BlockKit = { renderBlocks, mrkdwn, text, escapeHtml, formatDate, drawable };
})();
