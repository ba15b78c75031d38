import { useNavigate } from '@solidjs/router';
import { createSignal, For, Match, Switch } from 'solid-js';
import { api, messageOf, qs, type Page } from '../../api/client';
import type { AssetView, RequestDetail, RequestView } from '../../api/types';
import { toast } from '../../components/toasts';
import { teams } from '../../stores/directory';
import type { RequestStore } from '../../stores/request';

type Mode = 'escalate' | 'asset' | 'merge' | 'split' | null;

/** Escalate with a reason, link the unit by serial number, merge into another request by number. */
export function MoreActions(props: { store: RequestStore; detail: RequestDetail; onError: (msg: string) => void }) {
  const navigate = useNavigate();
  const [mode, setMode] = createSignal<Mode>(null);
  const [text, setText] = createSignal('');
  const [teamId, setTeamId] = createSignal('');
  const [isBusy, setBusy] = createSignal(false);
  const [picked, setPicked] = createSignal<string[]>([]);
  const open = (m: Mode) => { setMode(mode() === m ? null : m); setText(''); setTeamId(''); setPicked([]); };

  const run = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const m = mode();
      if (m === 'escalate') await done(await props.store.act('escalate', { reason: text(), ...(teamId() ? { teamId: teamId() } : {}) }), 'Escalated');
      if (m === 'asset') {
        const found = await api<Page<AssetView>>('GET', `/assets${qs({ q: text().trim(), limit: 5 })}`);
        const asset = found.items.find((a) => a.serialNumber.toLowerCase() === text().trim().toLowerCase()) ?? (found.items.length === 1 ? found.items[0] : undefined);
        if (!asset) return props.onError(`No unit with serial number ${text().trim()}.`);
        await done(await props.store.act('asset', { assetId: asset.id }), `Linked ${asset.serialNumber}`);
      }
      if (m === 'split') {
        const res = await props.store.act('split', { timelineEntryIds: picked(), subject: text().trim() });
        await done(res, 'Split into a new request');
      }
      if (m === 'merge') {
        const found = await api<Page<RequestView>>('GET', `/requests${qs({ q: text().trim(), status: 'all', limit: 2 })}`);
        const into = found.items.find((r) => r.id !== props.detail.id);
        if (!into) return props.onError(`No request ${text().trim()} to merge into.`);
        const res = await props.store.act('merge', { intoId: into.id });
        await done(res, `Merged into ${into.number}`);
        if (res.ok) navigate(`/requests/${into.id}`);
      }
    } catch (err) {
      props.onError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const done = async (res: { ok: true } | { ok: false; message: string }, label: string) => {
    if (res.ok) { toast(label); setMode(null); } else props.onError(res.message);
  };

  return (
    <section>
      <h3>More</h3>
      <div class="row" style={{ 'flex-wrap': 'wrap' }}>
        <button class="btn small" classList={{ on: mode() === 'escalate' }} onClick={() => open('escalate')}>Escalate…</button>
        <button class="btn small" onClick={() => open('asset')}>Link unit…</button>
        <button class="btn small" onClick={() => open('merge')}>Merge into…</button>
        <button class="btn small" onClick={() => open('split')}>Split…</button>
      </div>
      <Switch>
        <Match when={mode() === 'escalate'}>
          <form class="reason" onSubmit={run}>
            <label>Why escalate?<textarea required rows={3} value={text()} onInput={(e) => setText(e.currentTarget.value)} /></label>
            <label>Hand to team (optional)<select value={teamId()} onChange={(e) => setTeamId(e.currentTarget.value)}>
              <option value="">Keep the team</option><For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For></select></label>
            <button class="btn primary" type="submit" disabled={isBusy() || !text().trim()}>Escalate</button>
          </form>
        </Match>
        <Match when={mode() === 'asset'}>
          <form class="reason" onSubmit={run}>
            <label>Serial number<input required value={text()} onInput={(e) => setText(e.currentTarget.value)} placeholder="KV6-2024-000140" /></label>
            <button class="btn primary" type="submit" disabled={isBusy() || !text().trim()}>Link unit</button>
          </form>
        </Match>
        <Match when={mode() === 'merge'}>
          <form class="reason" onSubmit={run}>
            <label>Surviving request number<input required value={text()} onInput={(e) => setText(e.currentTarget.value)} placeholder="SR-000123" /></label>
            <p class="muted small" style={{ margin: 0 }}>This request closes and points to the survivor; its history is kept.</p>
            <button class="btn primary" type="submit" disabled={isBusy() || !text().trim()}>Merge</button>
          </form>
        </Match>
        <Match when={mode() === 'split'}>
          <form class="reason" onSubmit={run}>
            <span class="small muted">Entries that belong to another problem (they are copied; this request keeps them):</span>
            <div class="split-list">
              <For each={props.detail.timeline.filter((e) => e.kind !== 'created')}>{(e) => (
                <label class="check"><input type="checkbox" checked={picked().includes(e.id)}
                  onChange={(ev) => setPicked(ev.currentTarget.checked ? [...picked(), e.id] : picked().filter((x) => x !== e.id))} />
                  <span class="ellipsis">{e.kind.replace(/_/g, ' ')}{e.body ? `: ${e.body}` : ''}</span></label>
              )}</For>
            </div>
            <label>Subject of the new request<input required value={text()} onInput={(e) => setText(e.currentTarget.value)} /></label>
            <button class="btn primary" type="submit" disabled={isBusy() || !text().trim() || !picked().length}>Split</button>
          </form>
        </Match>
      </Switch>
    </section>
  );
}
