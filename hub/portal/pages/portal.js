// The customer portal: one page that reads its path. Signed in (cookie) it shows the
// organisation's requests; opened from a tracking link it shows that one request.
(function () {
  'use strict';
  const app = document.getElementById('app');
  const nav = document.getElementById('nav');
  const STATUS = {
    new: 'Received', assigned: 'Assigned', in_progress: 'In progress', waiting_customer: 'Waiting for you', suspended: 'On hold',
    escalated: 'Escalated', resolved: 'Resolved', closed: 'Closed', closed_unresolved: 'Closed (unresolved)',
  };
  const ORDER = { new: 'Planned', planned: 'Planned', dispatched: 'Technician assigned', en_route: 'Technician on the way', on_site: 'Technician on site',
    completed: 'Work completed — your decision', accepted: 'Accepted', rejected: 'Rejected', closed: 'Closed', cancelled: 'Cancelled' };
  const WARRANTY = { in_warranty: 'In warranty', under_contract: 'Service contract', out_of_warranty: 'Out of warranty', unknown: 'Unknown' };
  let tracking = sessionStorage.getItem('portal-tracking');

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  const show = (...nodes) => { app.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined)); };
  const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  async function api(method, path, body) {
    const headers = {};
    if (tracking) headers['x-tracking-token'] = tracking;
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch('/api' + path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
    const json = await res.json().catch(() => null);
    if (!res.ok) { const err = new Error(json?.error?.message || 'failed (' + res.status + ')'); err.status = res.status; err.body = json; throw err; }
    return json;
  }
  /** A redraw would throw away what the customer is typing. */
  function isTyping() {
    const a = document.activeElement;
    return !!a && app.contains(a) && (a.tagName === 'TEXTAREA' || a.tagName === 'INPUT') && !!a.value;
  }
  function go(path) { history.pushState(null, '', path); route(); }

  // Live: a signed-in customer's socket joins their organisation's room and the open request's
  // room; a tracking link's socket joins that request's room (the hub's room policy allows no
  // more). The hub says only that something changed ('changed'); the page reads it again.
  let socket = null;
  let socketTracking = null;
  let rooms = [];
  let redraw = null;
  function live(want, onChange) {
    redraw = onChange;
    if (typeof io !== 'function') return;
    if (socket && socketTracking !== tracking) { socket.disconnect(); socket = null; rooms = []; }
    if (!socket) {
      socketTracking = tracking;
      socket = io({ path: '/socket.io', transports: ['websocket'], withCredentials: !tracking, auth: tracking ? { tracking } : {} });
      socket.on('connect', () => { if (rooms.length) socket.emit('subscribe', { rooms }, joined); });
      socket.on('disconnect', () => { document.body.dataset.live = 'off'; });
      let timer = null;
      socket.on('changed', () => { clearTimeout(timer); timer = setTimeout(() => redraw && redraw(), 150); });
    }
    const added = want.filter((r) => !rooms.includes(r));
    rooms = [...new Set([...rooms, ...want])];
    if (added.length && socket.connected) socket.emit('subscribe', { rooms: added }, joined);
  }
  /** The rooms are joined: changes from now on reach this page (tests wait for this mark). */
  function joined(ack) { if (ack && ack.ok) document.body.dataset.live = 'on:' + rooms.length; }
  window.addEventListener('popstate', route);
  const link = (path, text) => h('a', { href: path, onclick: (e) => { e.preventDefault(); go(path); } }, text);
  const errorNote = () => h('div', { class: 'notice error', role: 'alert', hidden: true });
  function fail(box, err) { box.textContent = err.message; box.hidden = false; }

  function signInPage(message) {
    nav.replaceChildren(h('a', { href: '/portal/new' }, 'Report a problem'));
    const note = h('div', { class: 'notice', role: 'status', hidden: !message }, message || '');
    const err = errorNote();
    const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'email' });
    const form = h('form', { onsubmit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      try { note.textContent = (await api('POST', '/public/portal/magic-link', { email: email.value })).message; note.hidden = false; } catch (x) { fail(err, x); }
    } }, h('label', {}, 'Email address', email), err, h('div', {}, h('button', { class: 'btn primary', type: 'submit' }, 'Email me a sign-in link')));
    show(h('h1', {}, 'Sign in'), h('p', { class: 'lead' }, 'We send a link that signs you in once. The link in your confirmation mail opens that request directly.'), note, form);
  }

  async function listPage() {
    const me = await api('GET', '/portal/me');
    nav.replaceChildren(link('/portal', 'Requests'), link('/portal/units', 'Units'), h('a', { href: '/portal/new' }, 'New request'),
      h('a', { href: '#', onclick: async (e) => { e.preventDefault(); await api('POST', '/auth/logout').catch(() => {}); signInPage('You are signed out.'); } }, 'Sign out'));
    const params = new URLSearchParams(location.search);
    const field = (name, el) => { el.name = name; el.value = params.get(name) || ''; return el; };
    const status = field('status', h('select', {}, h('option', { value: '' }, 'All'), h('option', { value: 'open' }, 'Open'), h('option', { value: 'done' }, 'Done')));
    const type = field('type', h('select', {}, h('option', { value: '' }, 'All'), h('option', { value: 'request' }, 'Requests'), h('option', { value: 'complaint' }, 'Complaints')));
    const from = field('from', h('input', { type: 'date' }));
    const to = field('to', h('input', { type: 'date' }));
    const q = field('q', h('input', { type: 'search', placeholder: 'SR number or text' }));
    const filters = h('form', { class: 'filters', onsubmit: (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      for (const el of [status, type, from, to, q]) if (el.value) p.set(el.name, el.value);
      go('/portal' + (p.size ? '?' + p : ''));
    } }, h('label', {}, 'Status', status), h('label', {}, 'Type', type), h('label', {}, 'From', from), h('label', {}, 'To', to), h('label', {}, 'Search', q),
      h('button', { class: 'btn', type: 'submit' }, 'Filter'));
    const list = await api('GET', '/portal/requests?' + params);
    live(me.customerId ? ['customer:' + me.customerId] : [], () => { if (location.pathname === '/portal') listPage().catch(() => {}); });
    const rows = list.items.map((r) => h('tr', { 'data-testid': 'portal-row' },
      h('td', {}, link('/portal/requests/' + r.id, r.number)), h('td', {}, r.subject), h('td', {}, r.type === 'complaint' ? 'Complaint' : 'Request'),
      h('td', {}, h('span', { class: 'status' }, STATUS[r.status] || r.status)), h('td', {}, when(r.createdAt))));
    const summary = h('p', { class: 'lead' }, `${list.items.length} request${list.items.length === 1 ? '' : 's'}` + (params.get('from') || params.get('to') ? ` between ${params.get('from') || '…'} and ${params.get('to') || '…'}` : ''));
    show(h('h1', {}, me.organisation || 'Your requests'), h('p', { class: 'lead' }, 'Signed in as ' + (me.name || '')), filters, summary,
      rows.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Number', 'Subject', 'Type', 'Status', 'Opened'].map((x) => h('th', {}, x)))), h('tbody', {}, rows))
        : h('p', {}, 'No request matches these filters.'),
      complaintForm(null));
  }

  async function unitsPage() {
    const units = await api('GET', '/portal/assets');
    show(h('h1', {}, 'Your units'), h('table', {}, h('thead', {}, h('tr', {}, ['Serial number', 'Model', 'Warranty', 'Until'].map((x) => h('th', {}, x)))),
      h('tbody', {}, units.items.map((u) => h('tr', {}, h('td', {}, u.serialNumber), h('td', {}, u.model), h('td', {}, h('span', { class: 'verdict ' + u.warranty }, WARRANTY[u.warranty])), h('td', {}, u.warrantyUntil || '—'))))));
  }

  function complaintForm(requestId) {
    const err = errorNote();
    const done = h('div', { class: 'notice', role: 'status', hidden: true });
    const subject = h('input', { name: 'subject', required: true, maxlength: 300 });
    const text = h('textarea', { name: 'description' });
    const form = h('form', { hidden: true, onsubmit: async (e) => {
      e.preventDefault();
      try {
        const res = await api('POST', '/portal/complaints', { subject: subject.value, description: text.value, ...(requestId ? { requestId } : {}) });
        done.textContent = 'Your complaint is recorded as ' + res.result.number + '.'; done.hidden = false; form.hidden = true;
      } catch (x) { fail(err, x); }
    } }, h('label', {}, 'What went wrong?', subject), h('label', {}, 'Details', text), err, h('div', {}, h('button', { class: 'btn primary', type: 'submit' }, 'File the complaint')));
    return h('section', {}, h('h2', {}, 'A complaint'), h('button', { class: 'btn', type: 'button', onclick: () => { form.hidden = false; } }, 'File a complaint' + (requestId ? ' about this request' : '')), form, done);
  }

  function orderCard(o, reload) {
    const err = errorNote();
    const reason = h('textarea', { name: 'reason', placeholder: 'What is still wrong?' });
    const rejectBox = h('div', { hidden: true }, h('label', {}, 'Reason for rejecting', reason),
      h('button', { class: 'btn danger', type: 'button', onclick: () => decide('reject', { reason: reason.value.trim() || undefined }) }, 'Send rejection'));
    async function decide(what, extra) {
      try { await api('POST', `/portal/orders/${o.id}/${what}`, { version: o.version, ...extra }); await reload(); } catch (x) { fail(err, x); }
    }
    return h('div', { class: 'card', 'data-testid': 'order-card' },
      h('strong', {}, o.number), ' · ', h('span', { class: 'status', 'data-testid': 'order-status' }, ORDER[o.status] || o.status),
      o.description ? h('p', {}, o.description) : null,
      o.canDecide ? h('div', { class: 'filters' },
        h('button', { class: 'btn primary', type: 'button', onclick: () => decide('accept', {}) }, 'Accept the work'),
        h('button', { class: 'btn', type: 'button', onclick: () => { rejectBox.hidden = false; } }, 'Reject…')) : null,
      rejectBox, err);
  }

  function ratingBox(r, reload) {
    const err = errorNote();
    let score = r.rating ? r.rating.score : 0;
    const comment = h('textarea', { name: 'comment', placeholder: 'Anything to add?' });
    comment.value = r.rating ? r.rating.comment : '';
    const stars = h('div', { class: 'stars', role: 'radiogroup', 'aria-label': 'Rating' });
    const paint = () => stars.replaceChildren(...[1, 2, 3, 4, 5].map((n) => h('button', { type: 'button', class: n <= score ? 'on' : '', 'aria-label': n + ' stars', onclick: () => { score = n; paint(); } }, '★')));
    paint();
    return h('section', {}, h('h2', {}, 'How did we do?'), stars, h('label', {}, 'Comment', comment), err,
      h('div', {}, h('button', { class: 'btn', type: 'button', onclick: async () => {
        try { await api('POST', `/portal/requests/${r.id}/rating`, { score, comment: comment.value }); await reload(); } catch (x) { fail(err, x); }
      } }, r.rating ? 'Update rating' : 'Send rating')));
  }

  async function detailPage(id) {
    const me = tracking ? null : await api('GET', '/portal/me');
    const reload = () => detailPage(id);
    const r = await api('GET', '/portal/requests/' + id);
    const here = location.pathname;
    const onChange = () => { if (location.pathname === here && !isTyping()) reload().catch(() => {}); };
    if (me) live(['customer:' + me.customerId, 'request:' + id], onChange);
    else if (tracking) live(['request:' + id], onChange);
    if (tracking) nav.replaceChildren(link('/portal', 'Sign in for all your requests'));
    const err = errorNote();
    const remark = h('textarea', { name: 'remark', required: true });
    const files = h('input', { type: 'file', name: 'attachments', multiple: true });
    const remarkForm = h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        if (files.files.length) {
          const fd = new FormData();
          fd.set('data', JSON.stringify({ body: remark.value }));
          for (const f of files.files) fd.append('attachments', f);
          const res = await fetch(`/api/portal/requests/${id}/remarks`, { method: 'POST', body: fd, headers: tracking ? { 'x-tracking-token': tracking } : {} });
          if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message || 'failed (' + res.status + ')');
        } else {
          await api('POST', `/portal/requests/${id}/remarks`, { body: remark.value });
        }
        await reload();
      } catch (x) { fail(err, x); }
    } }, h('label', {}, 'Add a remark', remark), h('label', {}, 'Attach files', files), err, h('div', {}, h('button', { class: 'btn primary', type: 'submit' }, 'Send remark')));
    const isDone = ['resolved', 'closed', 'closed_unresolved'].includes(r.status);
    show(
      tracking ? null : h('p', {}, link('/portal', '← All requests')),
      h('h1', {}, r.number + ' · ' + r.subject),
      h('p', { class: 'lead' }, h('span', { class: 'status', 'data-testid': 'request-status' }, STATUS[r.status] || r.status), ' · opened ' + when(r.createdAt) + ' · warranty: ' + WARRANTY[r.warranty]),
      r.description ? h('p', {}, r.description) : null,
      r.orders.length ? h('section', {}, h('h2', {}, 'Work orders'), r.orders.map((o) => orderCard(o, reload))) : null,
      h('h2', {}, 'History'),
      h('ul', { class: 'timeline', 'data-testid': 'timeline' }, r.timeline.map((e) => h('li', {}, h('div', { class: 'when' }, when(e.createdAt)), h('div', {}, describe(e))))),
      remarkForm,
      isDone ? ratingBox(r, reload) : null,
      complaintForm(r.id),
    );
  }

  function describe(e) {
    switch (e.kind) {
      case 'created': return 'Request received' + (e.data.channel ? ' (' + e.data.channel + ')' : '') + (e.body ? ': ' + e.body : '');
      case 'status_changed': return 'Status: ' + (STATUS[e.data.to] || e.data.to) + (e.body ? ' — ' + e.body : '');
      case 'order': return e.body;
      case 'note': return (e.data.remark ? 'Remark: ' : e.data.rating ? '' : 'Note: ') + e.body
        + (Array.isArray(e.data.attachments) && e.data.attachments.length ? ' (' + e.data.attachments.map((a) => a.filename).join(', ') + ')' : '');
      case 'email_out': return 'We wrote: ' + e.body;
      case 'email_in': return 'You wrote: ' + e.body;
      case 'attached': return 'Added: ' + e.body;
      default: return e.body || e.kind.replace(/_/g, ' ');
    }
  }

  async function route() {
    const path = location.pathname;
    try {
      let m = /^\/portal\/sign-in\/([\w-]+)$/.exec(path);
      if (m) {
        tracking = null; sessionStorage.removeItem('portal-tracking');
        try { await api('POST', '/public/portal/sign-in', { token: m[1] }); } catch (x) { history.replaceState(null, '', '/portal'); return signInPage(x.message); }
        history.replaceState(null, '', '/portal');
        return await listPage();
      }
      m = /^\/portal\/t\/([0-9a-f-]{36})\.([\w-]+)$/.exec(path);
      if (m) { tracking = m[1] + '.' + m[2]; sessionStorage.setItem('portal-tracking', tracking); return await detailPage(m[1]); }
      if (path === '/portal' || path === '/portal/') { tracking = null; sessionStorage.removeItem('portal-tracking'); return await listPage(); }
      if (path === '/portal/units') return await unitsPage();
      m = /^\/portal\/requests\/([0-9a-f-]{36})$/.exec(path);
      if (m) return await detailPage(m[1]);
      show(h('p', {}, 'This page does not exist. '), link('/portal', 'Your requests'));
    } catch (x) {
      if (x.status === 401 || x.status === 403) return signInPage(x.status === 403 ? 'The portal is for customer accounts.' : null);
      show(h('div', { class: 'notice error', role: 'alert' }, x.message));
    }
  }
  route();
})();
