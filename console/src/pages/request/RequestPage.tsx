import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, on, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { PriorityBadge, StatusBadge, WarrantyBadge, ErrorState, Loading, Empty } from '../../components/bits';
import { toast } from '../../components/toasts';
import { dateTime, slaLevel, slaText } from '../../lib/time';
import { realtime } from '../../realtime';
import { now } from '../../stores/clock';
import { teamName, userName } from '../../stores/directory';
import { createRequestStore } from '../../stores/request';
import { humanize } from '../../stores/request-reducer';
import { allows, myUserId } from '../../stores/session';
import { dueOf } from '../queue/QueueRow';
import { isTyping } from '../Shell';
import { RequestOrders } from '../order/RequestOrders';
import { Actions } from './Actions';
import { KnowledgeSuggestions } from './KnowledgeSuggestions';
import { Timeline } from './Timeline';

export function RequestPage() {
  const params = useParams();
  const navigate = useNavigate();
  // One store per request id: a new id (j/k from the queue, a link) makes a new store.
  const store = createMemo((prev: ReturnType<typeof createRequestStore> | undefined) => {
    prev?.dispose();
    return createRequestStore(realtime(), params.id!);
  });
  onCleanup(() => store().dispose());
  const [conflict, setConflict] = createSignal('');
  // Who else has this request open (socket transport): two agents should not answer one customer twice.
  const [viewers, setViewers] = createSignal<Array<{ userId: string; name: string }>>([]);
  const offPresence = realtime().onPresence((p) => { if (p.requestId === params.id) setViewers(p.viewers.filter((v) => v.userId !== myUserId())); });
  onCleanup(offPresence);
  createEffect(on(() => params.id, () => setViewers([])));
  let noteEl: HTMLTextAreaElement | undefined;
  const [composerMode, setComposerMode] = createSignal<ComposerMode>('note');
  // An article's answer put into the reply (a new object each time, so the same answer can go in twice).
  const [insertion, setInsertion] = createSignal<{ text: string } | null>(null);
  const useAnswer = (text: string) => { setComposerMode('reply'); setInsertion({ text }); noteEl?.focus(); };

  const onKey = (e: KeyboardEvent) => {
    if (isTyping(e)) return;
    if (e.key === 'n') { e.preventDefault(); setComposerMode('note'); noteEl?.focus(); }
    else if (e.key === 'r' && allows('requests.reply')) { e.preventDefault(); setComposerMode('reply'); noteEl?.focus(); }
    else if (e.key === 'Escape' || e.key === 'u') navigate('/queue');
    else if (e.key === 'c') {
      const d = store().state.detail;
      if (d && d.assigneeId !== myUserId()) {
        void store().update({ assigneeId: myUserId() }).then((r) => (r.ok ? toast('You took this request') : setConflict(r.message)));
      }
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  return (
    <div class="page request-page">
      <Switch>
        <Match when={store().state.isLoading}><Loading label="Loading the request…" /></Match>
        <Match when={store().state.isMissing}><Empty title="Request not found">It does not exist or you may not see it. <A href="/queue">Back to the queue</A></Empty></Match>
        <Match when={store().state.error && !store().state.detail}><ErrorState message={store().state.error!} onRetry={() => void store().load()} /></Match>
        <Match when={store().state.detail}>{(d) => (
          <>
            <header class="req-head">
              <div class="crumbs row"><A href="/queue">Queues</A> <span class="muted">/</span> <span class="mono">{d().number}</span>
                <Show when={viewers().length}>
                  <span class="viewers" data-testid="viewers">Also open for <For each={viewers()}>{(v) => <span class="avatar" title={v.name}>{v.name.slice(0, 1)}</span>}</For></span>
                </Show>
              </div>
              <div class="req-title">
                <h1><span class="mono num">{d().number}</span> {d().subject}</h1>
                <div class="badges">
                  <PriorityBadge priority={d().priority} />
                  <StatusBadge status={d().status} />
                  <WarrantyBadge verdict={d().warranty} />
                  <Show when={d().type !== 'request'}><span class={`type-tag t-${d().type}`}>{d().type}</span></Show>
                </div>
              </div>
              <Show when={d().mergedIntoId}>
                <div class="banner banner-info">Merged into another request. <A href={`/requests/${d().mergedIntoId}`}>Open the surviving request</A></div>
              </Show>
              <dl class="facts">
                <Fact label="Customer">{store().state.customer?.name ?? (d().customerId ? '…' : 'Not identified')}</Fact>
                <Fact label="Asset">{store().state.asset ? <span class="mono">{store().state.asset!.serialNumber}</span> : d().assetId ? '…' : 'None linked'}</Fact>
                <Fact label="Contract">{store().state.contract?.name ?? (d().contractId ? '…' : 'None')}</Fact>
                <Fact label="Team">{teamName(d().teamId)}</Fact>
                <Fact label="Assignee">{d().assigneeId ? (d().assigneeId === myUserId() ? 'You' : userName(d().assigneeId) ?? 'Assigned') : 'Nobody'}</Fact>
                <Fact label="Channel">{humanize(d().channel)}</Fact>
                <Fact label="Opened">{dateTime(d().createdAt)}</Fact>
                <Fact label="SLA">
                  <span class={`mono sla-${slaLevel(d().createdAt, dueOf(d()), now())}`} title={dueOf(d()) ? `due ${dateTime(dueOf(d())!)}` : 'no SLA'}>
                    {slaText(dueOf(d()), now())}<Show when={dueOf(d()) && slaLevel(d().createdAt, dueOf(d()), now()) !== 'breached'}> left</Show>
                  </span>
                </Fact>
              </dl>
            </header>
            <Show when={conflict()}>
              <div class="banner banner-error" role="alert" data-testid="conflict">
                {conflict()} <button class="btn ghost small" onClick={() => setConflict('')}>Dismiss</button>
              </div>
            </Show>
            <div class="req-body">
              <section class="req-main">
                <Show when={d().description}><div class="description"><h3>Description</h3><p>{d().description}</p></div></Show>
                <RequestOrders requestId={d().id} version={d().version} />
                <h3 class="section-title">Timeline</h3>
                <Timeline entries={d().timeline} />
                <Composer store={store()} mode={composerMode()} onMode={setComposerMode} insertion={insertion()} ref={(el) => (noteEl = el)} />
              </section>
              <aside class="req-side">
                <Actions store={store()} detail={d()} onConflict={setConflict} />
                <Show when={allows('knowledge.read')}><KnowledgeSuggestions requestId={d().id} onInsert={useAnswer} /></Show>
              </aside>
            </div>
          </>
        )}</Match>
      </Switch>
    </div>
  );
}

function Fact(props: { label: string; children: unknown }) {
  return <div class="fact"><dt>{props.label}</dt><dd>{props.children as never}</dd></div>;
}

type ComposerMode = 'note' | 'reply';

/** One box for both: an internal (or customer-visible) note, or an email reply to the customer. */
function Composer(props: { store: ReturnType<typeof createRequestStore>; mode: ComposerMode; onMode: (m: ComposerMode) => void; insertion: { text: string } | null; ref: (el: HTMLTextAreaElement) => void }) {
  const [text, setText] = createSignal('');
  createEffect(on(() => props.insertion, (v) => { if (v) setText((t) => (t.trim() ? `${t.trimEnd()}\n\n${v.text}` : v.text)); }, { defer: true }));
  const [isPublic, setPublic] = createSignal(false);
  const [isBusy, setBusy] = createSignal(false);
  const isReply = () => props.mode === 'reply';
  const send = async () => {
    if (!text().trim()) return;
    setBusy(true);
    if (isReply()) {
      const res = await props.store.reply(text().trim());
      setBusy(false);
      if (res.ok) { setText(''); toast(`Reply queued for ${res.to}`); } else toast(res.message, 'error');
      return;
    }
    const res = await props.store.addNote(text().trim(), !isPublic());
    setBusy(false);
    if (res.ok) { setText(''); toast('Note added'); } else toast(res.message, 'error');
  };
  const placeholder = () => (isReply() ? 'Email to the customer (sent from the team mailbox, threaded with the request)…'
    : isPublic() ? 'Note visible to the customer…' : 'Internal note (only staff see it)…');
  return (
    <form class="composer" classList={{ public: isPublic() && !isReply(), reply: isReply() }} onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <Show when={allows('requests.reply')}>
        <div class="composer-tabs" role="tablist" aria-label="Write">
          <button type="button" role="tab" aria-selected={!isReply()} classList={{ on: !isReply() }} onClick={() => props.onMode('note')}>Note</button>
          <button type="button" role="tab" aria-selected={isReply()} classList={{ on: isReply() }} onClick={() => props.onMode('reply')}>Reply by email</button>
        </div>
      </Show>
      <textarea ref={props.ref} aria-label={isReply() ? 'Reply' : 'Note'} placeholder={placeholder()}
        value={text()} onInput={(e) => setText(e.currentTarget.value)} rows={isReply() ? 6 : 3}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) { e.preventDefault(); void send(); } if (e.key === 'Escape') e.currentTarget.blur(); }} />
      <div class="composer-bar">
        <Show when={!isReply()}>
          <label class="check"><input type="checkbox" checked={isPublic()} onChange={(e) => setPublic(e.currentTarget.checked)} /> Visible to customer</label>
        </Show>
        <span class="muted small"><kbd>n</kbd> note · <Show when={allows('requests.reply')}><kbd>r</kbd> reply · </Show><kbd>Ctrl</kbd>+<kbd>Enter</kbd> to send</span>
        <button class="btn primary" type="submit" disabled={isBusy() || !text().trim()}>{isReply() ? 'Send reply' : 'Add note'}</button>
      </div>
    </form>
  );
}
