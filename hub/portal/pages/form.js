// The public request form: renders the category's fields from GET /api/public/categories, checks
// the serial number's warranty, and posts JSON (or multipart with files) with an Idempotency-Key.
(function () {
  'use strict';
  const form = document.getElementById('request-form');
  const select = document.getElementById('category');
  const extra = document.getElementById('category-fields');
  const serial = document.getElementById('serial');
  const verdictBox = document.getElementById('serial-verdict');
  const errorBox = document.getElementById('error');
  const done = document.getElementById('done');
  const button = document.getElementById('submit');
  const isEmbedded = new URLSearchParams(location.search).has('embed');
  if (isEmbedded) document.body.classList.add('embed');
  let categories = [];
  // One key per filled-in form: a double click or a retry after a lost answer is one request.
  let idempotencyKey = crypto.randomUUID();

  const VERDICTS = {
    in_warranty: 'In warranty: the repair is covered.',
    under_contract: 'Covered by your service contract.',
    out_of_warranty: 'Out of warranty: the repair will be charged.',
    unknown: 'We could not find this serial number. You can still send the request.',
  };

  function resize() {
    if (isEmbedded && parent !== window) parent.postMessage({ type: 'service-hub:height', height: document.documentElement.scrollHeight }, '*');
  }
  new ResizeObserver(resize).observe(document.body);

  async function loadCategories() {
    const res = await fetch('/api/public/categories');
    if (!res.ok) return;
    categories = (await res.json()).items;
    for (const c of categories) select.add(new Option(c.name, c.id));
  }

  function fieldInput(def) {
    const label = document.createElement('label');
    const caption = document.createElement('span');
    caption.textContent = def.label + ' ';
    if (def.required) caption.insertAdjacentHTML('beforeend', '<span class="req">*</span>');
    label.append(caption);
    let input;
    if (def.kind === 'choice') {
      input = document.createElement('select');
      input.add(new Option('— choose —', ''));
      for (const o of def.options || []) input.add(new Option(o.replace(/_/g, ' '), o));
    } else {
      input = document.createElement('input');
      input.type = { number: 'number', date: 'date', attachment: 'file' }[def.kind] || 'text';
      if (def.kind === 'number') input.step = 'any';
    }
    input.name = 'customFields.' + def.key;
    input.dataset.kind = def.kind;
    if (def.required) input.required = true;
    if (def.kind === 'serial') input.addEventListener('change', () => lookup(input.value));
    label.append(input);
    return label;
  }

  function renderFields() {
    const cat = categories.find((c) => c.id === select.value);
    extra.querySelectorAll('label').forEach((l) => l.remove());
    extra.hidden = !cat || cat.fields.length === 0;
    // A category with its own serial field asks for the unit there, not twice.
    serial.closest('label').hidden = !!cat && cat.fields.some((f) => f.kind === 'serial');
    if (!cat) return;
    for (const def of cat.fields) extra.append(fieldInput(def));
    if (cat.defaultType === 'complaint') form.querySelector('input[value=complaint]').checked = true;
  }

  async function lookup(value) {
    const s = value.trim();
    verdictBox.hidden = !s;
    if (!s) return;
    verdictBox.className = 'verdict unknown';
    verdictBox.textContent = 'Checking…';
    const res = await fetch('/api/public/assets/lookup?serial=' + encodeURIComponent(s));
    const body = await res.json().catch(() => null);
    if (!res.ok || !body) { verdictBox.textContent = body?.error?.message || 'The serial number could not be checked.'; return; }
    verdictBox.className = 'verdict ' + body.warranty;
    verdictBox.dataset.verdict = body.warranty;
    verdictBox.textContent = (body.found && body.model ? body.model + ' — ' : '') + VERDICTS[body.warranty]
      + (body.warrantyUntil && body.warranty === 'in_warranty' ? ' (until ' + body.warrantyUntil + ')' : '');
  }

  function collect() {
    const data = { type: form.type.value, subject: form.subject.value, description: form.description.value, name: form.name.value, email: form.email.value, customFields: {}, website: form.website.value };
    if (select.value) data.categoryId = select.value;
    if (serial.value.trim()) data.serialNumber = serial.value.trim();
    if (form.phone.value.trim()) data.phone = form.phone.value.trim();
    const files = [];
    for (const input of extra.querySelectorAll('input, select')) {
      const key = input.name.slice('customFields.'.length);
      if (input.type === 'file') { if (input.files[0]) files.push([input.name, input.files[0]]); continue; }
      if (input.value === '') continue;
      data.customFields[key] = input.dataset.kind === 'number' ? Number(input.value) : input.value;
    }
    for (const f of form.attachments.files) files.push(['attachments', f]);
    return { data, files };
  }

  function showErrors(body, status, retryAfter) {
    form.querySelectorAll('.field-error').forEach((e) => e.remove());
    const err = body && body.error;
    let message = err ? err.message : 'The request could not be sent (' + status + ').';
    if (status === 429 && retryAfter) message += ' (wait ' + retryAfter + ' s)';
    errorBox.textContent = message;
    errorBox.hidden = false;
    const fields = (err && err.details && err.details.fields) || {};
    for (const [name, text] of Object.entries(fields)) {
      const input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (!input) continue;
      const note = document.createElement('span');
      note.className = 'field-error';
      note.textContent = text;
      input.closest('label').append(note);
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    try {
      const { data, files } = collect();
      let init;
      if (files.length) {
        const fd = new FormData();
        fd.set('data', JSON.stringify(data));
        for (const [name, file] of files) fd.append(name, file);
        init = { method: 'POST', body: fd, headers: { 'idempotency-key': idempotencyKey } };
      } else {
        init = { method: 'POST', body: JSON.stringify(data), headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey } };
      }
      const res = await fetch('/api/public/requests', init);
      const body = await res.json().catch(() => null);
      if (!res.ok) return showErrors(body, res.status, res.headers.get('retry-after'));
      done.hidden = false;
      done.dataset.number = body.result.number || '';
      done.innerHTML = '';
      done.append(document.createTextNode(body.message + ' '));
      if (body.trackingUrl) {
        const a = document.createElement('a');
        a.href = body.trackingUrl; a.target = '_top'; a.textContent = 'Follow your request';
        done.append(a);
      }
      form.reset();
      renderFields();
      verdictBox.hidden = true;
      idempotencyKey = crypto.randomUUID();
    } catch (e) {
      showErrors(null, 'network error');
    } finally {
      button.disabled = false;
      resize();
    }
  });
  // Public knowledge-base answers for what the customer is typing: some requests never need filing.
  const answers = document.getElementById('answers');
  const answerList = document.getElementById('answer-list');
  let answerTimer = 0;
  let answerQuery = '';
  async function suggestAnswers() {
    const q = `${form.subject.value} ${form.description.value}`.trim();
    if (q === answerQuery) return;
    answerQuery = q;
    if (q.length < 4) { answers.hidden = true; resize(); return; }
    const res = await fetch(`/api/public/knowledge?match=any&limit=3&q=${encodeURIComponent(q.slice(0, 2000))}`).catch(() => null);
    if (!res || !res.ok || q !== answerQuery) return;
    const items = (await res.json()).items;
    answerList.replaceChildren(...items.map((a) => {
      const d = document.createElement('details');
      const s = document.createElement('summary');
      s.textContent = a.title;
      const body = document.createElement('div');
      body.className = 'answer-body';
      body.innerHTML = a.bodyHtml; // rendered and sanitised by the hub (an allow list of tags)
      d.append(s, body);
      d.addEventListener('toggle', resize);
      return d;
    }));
    answers.hidden = items.length === 0;
    resize();
  }
  for (const el of [form.subject, form.description]) {
    el.addEventListener('input', () => { clearTimeout(answerTimer); answerTimer = setTimeout(suggestAnswers, 400); });
  }
  select.addEventListener('change', renderFields);
  serial.addEventListener('change', () => lookup(serial.value));
  loadCategories().then(() => {
    const preset = new URLSearchParams(location.search).get('category');
    const cat = categories.find((c) => c.key === preset || c.id === preset);
    if (cat) { select.value = cat.id; renderFields(); }
    resize();
  });
})();
