import { createSignal, For, Show } from 'solid-js';
import { PRIORITIES } from '../../../../hub/contracts/model.js';
import { allowedNext, isClosing } from '../../../../hub/contracts/request-status.js';
import type { Priority, RequestDetail, RequestStatus } from '../../api/types';
import { toast } from '../../components/toasts';
import { teams } from '../../stores/directory';
import type { RequestStore } from '../../stores/request';
import { humanize } from '../../stores/request-reducer';
import { MoreActions } from './MoreActions';
import { me, myUserId } from '../../stores/session';

/** The moves this agent may make on this request, and nothing else. */
export function Actions(props: { store: RequestStore; detail: RequestDetail; onConflict: (msg: string) => void }) {
  const [closing, setClosing] = createSignal<RequestStatus | null>(null);
  const [reason, setReason] = createSignal('');
  const [isBusy, setBusy] = createSignal(false);
  const next = () => (me() ? allowedNext(props.detail.status, me()!.role) : []);

  const run = async (label: string, patch: Parameters<RequestStore['update']>[0]) => {
    setBusy(true);
    const res = await props.store.update(patch);
    setBusy(false);
    if (res.ok) toast(label);
    else props.onConflict(res.message);
    return res.ok;
  };
  const moveTo = (to: RequestStatus) => {
    if (isClosing(to)) { setClosing(to); setReason(''); return; }
    void run(`Status: ${humanize(to)}`, { status: to });
  };

  return (
    <div class="actions" aria-label="Actions">
      <section>
        <h3>Status</h3>
        <Show when={next().length} fallback={<p class="muted small">This request is closed.</p>}>
          <div class="btn-stack">
            <For each={next()}>{(to) => (
              <button class="btn" classList={{ danger: isClosing(to) }} disabled={isBusy()} onClick={() => moveTo(to)}>
                {humanize(to)}
              </button>
            )}</For>
          </div>
        </Show>
        <Show when={closing()}>{(to) => (
          <form class="reason" onSubmit={async (e) => {
            e.preventDefault();
            if (await run(`Status: ${humanize(to())}`, { status: to(), reason: reason() })) setClosing(null);
          }}>
            <label>Reason for {humanize(to()).toLowerCase()}<textarea required value={reason()} onInput={(e) => setReason(e.currentTarget.value)} rows={3} /></label>
            <div class="row"><button class="btn primary" type="submit" disabled={isBusy() || !reason().trim()}>Confirm</button>
              <button class="btn ghost" type="button" onClick={() => setClosing(null)}>Cancel</button></div>
          </form>
        )}</Show>
      </section>
      <section>
        <h3>Priority</h3>
        <div class="seg" role="group" aria-label="Priority">
          <For each={PRIORITIES}>{(p: Priority) => (
            <button class={`seg-btn prio-${p}`} classList={{ on: props.detail.priority === p }} disabled={isBusy() || props.detail.priority === p}
              aria-pressed={props.detail.priority === p} onClick={() => void run(`Priority: ${humanize(p)}`, { priority: p })}>{humanize(p)}</button>
          )}</For>
        </div>
      </section>
      <section>
        <h3>Assignment</h3>
        <Show when={props.detail.assigneeId !== myUserId()} fallback={<p class="small">Assigned to you.</p>}>
          <button class="btn wide" disabled={isBusy()} onClick={() => void run('You took this request', { assigneeId: myUserId() })}>
            Take it <kbd>c</kbd>
          </button>
        </Show>
        <Show when={props.detail.assigneeId}>
          <button class="btn ghost wide" disabled={isBusy()} onClick={() => void run('Unassigned', { assigneeId: null })}>Unassign</button>
        </Show>
        <label class="field">Team
          <select value={props.detail.teamId ?? ''} disabled={isBusy()}
            onChange={(e) => void run('Team changed', { teamId: e.currentTarget.value || null })}>
            <option value="">Unrouted</option>
            <For each={teams()}>{(t) => <option value={t.id} selected={t.id === props.detail.teamId}>{t.name}</option>}</For>
          </select>
        </label>
      </section>
      <MoreActions store={props.store} detail={props.detail} onError={props.onConflict} />
    </div>
  );
}
