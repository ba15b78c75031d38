import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { api, messageOf } from '../../api/client';
import type { OutboxMail } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { toast } from '../../components/toasts';
import { dateTime } from '../../lib/time';
import { humanize } from '../../stores/request-reducer';
import { allows } from '../../stores/session';

const STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;

/** Every mail the hub sends (acknowledgements, replies, notifications): where it stands, why it failed, send again. */
export default function OutboxPage() {
  const [status, setStatus] = createSignal('');
  const [data, { refetch }] = useList<OutboxMail>(() => `/outbox?limit=200${status() ? `&status=${status()}` : ''}`);
  const [open, setOpen] = createSignal<string | null>(null);

  const retry = async (m: OutboxMail) => {
    try {
      await api('POST', `/outbox/${m.id}/retry`);
      toast(`Sending to ${m.to} again`);
      void refetch();
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };

  return (
    <div class="page">
      <div class="content">
        <div class="content-head">
          <div><h1>Outbox</h1><p class="sub">Mail to customers and staff. A mail that failed for good can be sent again once its cause is fixed.</p></div>
          <label class="select" style={{ 'margin-left': 'auto' }}>
            <span class="sr-only">Status</span>
            <select aria-label="Status" value={status()} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">Any status</option>
              <For each={STATUSES}>{(s) => <option value={s}>{humanize(s)}</option>}</For>
            </select>
          </label>
        </div>
        <ListStates data={data} onRetry={refetch} empty="No mail" emptyHint="Nothing has been mailed with these filters.">
          {(items) => (
            <table class="data" data-testid="outbox">
              <thead><tr><th>Queued</th><th>To</th><th>Subject</th><th>Kind</th><th>Status</th><th /></tr></thead>
              <tbody>
                <For each={items}>{(m) => (
                  <>
                    <tr data-status={m.status}>
                      <td class="muted" style={{ 'white-space': 'nowrap' }}>{dateTime(m.createdAt)}</td>
                      <td>{m.to}</td>
                      <td><Show when={m.requestId} fallback={m.subject}><A href={`/requests/${m.requestId}`}>{m.subject}</A></Show></td>
                      <td><span class="status">{humanize(m.template)}</span></td>
                      <td>
                        <span class={`status out-${m.status}`}>{humanize(m.status)}</span>
                        <Show when={m.status === 'sent' && m.sentAt}><div class="muted small">{dateTime(m.sentAt!)}</div></Show>
                        <Show when={m.lastError}><div class="small error-text" title={m.lastError!}>{m.lastError!.slice(0, 120)}</div></Show>
                        <Show when={m.attempts > 1}><div class="muted small">{m.attempts} attempts</div></Show>
                      </td>
                      <td><div class="row" style={{ 'justify-content': 'flex-end' }}>
                        <button class="btn small ghost" onClick={() => setOpen(open() === m.id ? null : m.id)}>{open() === m.id ? 'Hide' : 'Text'}</button>
                        <Show when={m.status === 'failed' && allows('outbox.retry')}>
                          <button class="btn small" onClick={() => void retry(m)}>Send again</button>
                        </Show>
                      </div></td>
                    </tr>
                    <Show when={open() === m.id}>
                      <tr><td colspan={6}><pre class="raw">{m.text}</pre></td></tr>
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
