import { createSignal, For, Show } from 'solid-js';
import { api, ApiError, messageOf } from '../../api/client';
import type { DeadLetter } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { toast } from '../../components/toasts';
import { dateTime } from '../../lib/time';

/** What the hub could not process: where it came from, why, the raw input, and a replay. */
export default function DeadLettersPage() {
  const [source, setSource] = createSignal('');
  const [data, { refetch }] = useList<DeadLetter>(() => `/dead-letters?limit=200${source() ? `&source=${encodeURIComponent(source())}` : ''}`);
  const [open, setOpen] = createSignal<string | null>(null);

  const replay = async (d: DeadLetter) => {
    try {
      await api('POST', `/dead-letters/${d.id}/replay`);
      toast('Sent back to the pipeline');
      void refetch();
    } catch (err) {
      toast(err instanceof ApiError && err.status === 404 ? 'Replay is not available on this hub yet.' : messageOf(err), 'error');
    }
  };

  return (
    <div class="page">
      <div class="content">
        <div class="content-head">
          <div><h1>Dead letters</h1><p class="sub">Input the hub could not process. Nothing here was lost: fix the cause, then replay.</p></div>
          <label class="select" style={{ 'margin-left': 'auto' }}>
            <span class="sr-only">Source</span>
            <select aria-label="Source" value={source()} onChange={(e) => setSource(e.currentTarget.value)}>
              <option value="">All sources</option><option value="mqtt">MQTT</option><option value="email">Email</option><option value="web">Web form</option><option value="cti">Phone (CTI)</option>
            </select>
          </label>
        </div>
        <ListStates data={data} onRetry={refetch} empty="No dead letters" emptyHint="Every input was processed.">
          {(items) => (
            <table class="data" data-testid="dead-letters">
              <thead><tr><th>When</th><th>Source</th><th>Reason</th><th>Size</th><th /></tr></thead>
              <tbody>
                <For each={items}>{(d) => (
                  <>
                    <tr>
                      <td class="muted" style={{ 'white-space': 'nowrap' }}>{dateTime(d.createdAt)}</td>
                      <td><span class="status">{d.source}</span></td>
                      <td><strong>{d.reason}</strong><Show when={d.detail}><div class="muted small">{d.detail}</div></Show></td>
                      <td class="mono muted">{d.payloadBytes} B</td>
                      <td class="row" style={{ 'justify-content': 'flex-end' }}>
                        <button class="btn small ghost" onClick={() => setOpen(open() === d.id ? null : d.id)}>{open() === d.id ? 'Hide input' : 'Raw input'}</button>
                        <Show when={!d.replayedAt} fallback={<span class="muted small">Replayed {dateTime(d.replayedAt!)}</span>}>
                          <button class="btn small" onClick={() => void replay(d)}>Replay</button>
                        </Show>
                      </td>
                    </tr>
                    <Show when={open() === d.id}>
                      <tr><td colspan={5}><pre class="raw">{d.payload}</pre>
                        <Show when={Object.keys(d.meta).length}><pre class="raw">{JSON.stringify(d.meta, null, 2)}</pre></Show></td></tr>
                    </Show>
                  </>
                )}</For>
              </tbody>
            </table>
          )}
        </ListStates>
      </div>
    </div>
  );
}
