import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, For, onMount, Show } from 'solid-js';
import { PRIORITIES } from '../../../../hub/contracts/model.js';
import { api, ApiError, messageOf, qs, type Page } from '../../api/client';
import type { ContactView, Priority, RequestCreated, RequestView } from '../../api/types';
import { PriorityBadge, StatusBadge, WarrantyBadge } from '../../components/bits';
import { failureOf, Field, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { shortAge } from '../../lib/time';
import { now } from '../../stores/clock';
import { humanize } from '../../stores/request-reducer';
import { CallerCard } from './CallerCard';

type Key = 'phone' | 'email' | 'serialNumber' | 'name';

/** One caller search hit (GET /api/callers of the realtime issue, or contacts by name on a hub without it). */
interface Hit { key: string; label: string; sub: string; contactId: string | null; serialNumber: string | null }

async function searchCallers(q: string): Promise<Hit[]> {
  try {
    const res = await api<{ items: Array<{ matchedBy: string; contact: { id: string; name: string; phone: string | null; email: string | null } | null; customer: { name: string } | null; asset: { serialNumber: string } | null }> }>('GET', `/callers${qs({ q })}`);
    return res.items.map((h, i) => ({
      key: `${i}`, label: h.contact?.name ?? h.asset?.serialNumber ?? h.customer?.name ?? '—',
      sub: [h.customer?.name, h.contact?.phone, h.contact?.email, h.asset ? `unit ${h.asset.serialNumber}` : null].filter(Boolean).join(' · '),
      contactId: h.contact?.id ?? null, serialNumber: h.contact ? null : h.asset?.serialNumber ?? null,
    }));
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    const res = await api<Page<ContactView>>('GET', `/contacts${qs({ q, limit: 20 })}`);
    return res.items.map((c) => ({ key: c.id, label: c.name, sub: [c.phone, c.email].filter(Boolean).join(' · '), contactId: c.id, serialNumber: null }));
  }
}

/** Who is calling, what they already have open, and a fast keyboard-only request. */
export default function IntakePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [by, setBy] = createSignal<Key>('phone');
  const [term, setTerm] = createSignal(typeof params.phone === 'string' ? params.phone : '');
  const [candidates, setCandidates] = createSignal<{ contactIds: string[]; items: RequestView[] } | null>(null);
  const [searchError, setSearchError] = createSignal('');
  const [hits, setHits] = createSignal<Hit[] | null>(null);
  const [subject, setSubject] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [priority, setPriority] = createSignal<Priority>('normal');
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const [isBusy, setBusy] = createSignal(false);
  const [assetId, setAssetId] = createSignal<string | null>(null);
  let searchEl: HTMLInputElement | undefined;
  const idempotencyKey = crypto.randomUUID();

  const search = async (e?: SubmitEvent) => {
    e?.preventDefault();
    setSearchError('');
    setHits(null);
    if (!term().trim()) return setCandidates(null);
    try {
      if (by() === 'name') {
        setCandidates(null);
        setHits(await searchCallers(term().trim()));
        return;
      }
      setCandidates(await api('GET', `/intake/candidates${qs({ [by()]: term().trim() })}`));
    } catch (err) {
      setCandidates(null);
      setSearchError(messageOf(err));
    }
  };
  onMount(() => { searchEl?.focus(); if (term()) void search(); });
  const pick = async (h: Hit) => {
    setHits(null);
    try {
      setCandidates(await api('GET', `/intake/candidates${qs(h.contactId ? { contactId: h.contactId } : { serialNumber: h.serialNumber })}`));
      if (h.serialNumber) { setBy('serialNumber'); setTerm(h.serialNumber); }
    } catch (err) {
      setSearchError(messageOf(err));
    }
  };

  const caller = () => {
    const c = candidates();
    const id = c?.contactIds[0];
    return {
      contactId: id,
      ...(assetId() ? { assetId: assetId()! } : by() === 'serialNumber' ? { serialNumber: term().trim() } : {}),
      ...(by() === 'phone' && !id && term().trim() ? { contact: { phone: term().trim() } } : {}),
      ...(by() === 'email' && !id ? { contact: { email: term().trim() } } : {}),
    };
  };

  const submit = async (attachTo?: RequestView) => {
    setBusy(true);
    setFailure(null);
    try {
      const res = await api<RequestCreated>('POST', '/requests', {
        headers: { 'idempotency-key': `${idempotencyKey}:${attachTo?.id ?? 'new'}` },
        body: { channel: 'phone', subject: attachTo ? attachTo.subject : subject(), description: description() || undefined, priority: priority(), ...caller(), attachToRequestId: attachTo?.id },
      });
      const r = res.result;
      toast(r.kind === 'attached' ? `Call added to ${r.number}` : r.kind === 'created' ? `Opened ${r.number}` : 'Already recorded');
      if (r.requestId) navigate(`/requests/${r.requestId}`);
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <div class="content">
        <div><h1>Phone intake</h1><p class="sub">Find the caller, check what they already have open, then open a request or add the call to an open one.</p></div>
        <form class="panel" onSubmit={search} role="search">
          <div class="panel-body row">
            <select aria-label="Search by" value={by()} onChange={(e) => setBy((['email', 'serialNumber', 'name'] as const).find((k) => k === e.currentTarget.value) ?? 'phone')}>
              <option value="phone">Phone</option><option value="name">Name</option><option value="email">Email</option><option value="serialNumber">Serial number</option>
            </select>
            <input ref={searchEl} style={{ flex: 1 }} aria-label="Caller" placeholder="+49 171 …, name@example.com or a serial number" value={term()} onInput={(e) => setTerm(e.currentTarget.value)} />
            <button class="btn" type="submit">Find caller</button>
          </div>
          <Show when={searchError()}><p class="form-error pad" role="alert">{searchError()}</p></Show>
          <Show when={hits()}>{(h) => (
            <Show when={h().length} fallback={<p class="muted pad">Nobody matches.</p>}>
              <ul class="hits" data-testid="caller-hits">
                <For each={h()}>{(x) => <li><button type="button" onClick={() => void pick(x)}><strong>{x.label}</strong><span class="muted small">{x.sub}</span></button></li>}</For>
              </ul>
            </Show>
          )}</Show>
        </form>
        <div class="intake-grid">
        <div class="stack">
        <Show when={candidates()}>{(c) => (
          <div class="panel" data-testid="candidates">
            <div class="panel-head">
              <strong>{c().contactIds.length ? 'Open requests of this caller' : 'No contact matches'}</strong>
              <span class="muted small">{c().items.length ? `${c().items.length} open request(s) — possible duplicates` : 'No open requests'}</span>
            </div>
            <Show when={c().items.length}>
              <table class="data dupes"><tbody><For each={c().items}>{(r, i) => (
                <tr>
                  <td class="mono">{r.number}</td>
                  <td class="wrap"><strong>{r.subject}</strong>
                    <div class="badges"><PriorityBadge priority={r.priority} /><StatusBadge status={r.status} /><WarrantyBadge verdict={r.warranty} /><span class="muted small">{shortAge(r.createdAt, now())} old</span></div>
                  </td>
                  <td><button class="btn small" disabled={isBusy()} onClick={() => void submit(r)}>Add call to this {i() < 9 ? <kbd>Alt+{i() + 1}</kbd> : null}</button></td>
                </tr>
              )}</For></tbody></table>
            </Show>
          </div>
        )}</Show>
        <CallerCard contactId={candidates()?.contactIds[0] ?? null} assetId={assetId()} onPickAsset={setAssetId} />
        </div>
        <form class="panel" aria-label="New request" onSubmit={(e) => { e.preventDefault(); void submit(); }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void submit(); }
            const n = Number(e.key);
            const r = candidates()?.items[n - 1];
            if (e.altKey && r) { e.preventDefault(); void submit(r); }
          }}>
          <div class="panel-head"><strong>New request</strong><span class="muted small"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> opens it</span></div>
          <div class="panel-body form-grid">
            <Field label="Subject" error={failure()?.fields.subject} wide><input required value={subject()} onInput={(e) => setSubject(e.currentTarget.value)} placeholder="What is wrong, in a few words" /></Field>
            <Field label="Description" error={failure()?.fields.description} wide><textarea rows={4} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
            <Field label="Priority">
              <select value={priority()} onChange={(e) => setPriority(PRIORITIES.find((p) => p === e.currentTarget.value) ?? 'normal')}>
                <For each={PRIORITIES}>{(p) => <option value={p}>{humanize(p)}</option>}</For>
              </select>
            </Field>
          </div>
          <div class="panel-body" style={{ 'padding-top': 0 }}>
            <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
            <div class="form-actions"><button class="btn primary" type="submit" disabled={isBusy() || !subject().trim()}>Open request</button></div>
          </div>
        </form>
        </div>
      </div>
    </div>
  );
}
