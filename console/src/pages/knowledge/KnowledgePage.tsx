import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { api } from '../../api/client';
import type { Article, ArticleSummary } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { Empty, ErrorState, Loading } from '../../components/bits';
import { Field, failureOf, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { dateTime } from '../../lib/time';
import { humanize } from '../../stores/request-reducer';
import { allows } from '../../stores/session';

const STATUSES = ['draft', 'published', 'archived'] as const;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * The knowledge base: search on the left, the article on the right. Drafts written from closed
 * orders wait here for an editor; agents write and edit, supervisors publish.
 */
export default function KnowledgePage() {
  const params = useParams();
  const navigate = useNavigate();
  const [q, setQ] = createSignal('');
  const [status, setStatus] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(q, (v) => { clearTimeout(timer); timer = setTimeout(() => setDebounced(v), 200); }));
  const [data, { refetch }] = useList<ArticleSummary>(() => `/knowledge/articles?limit=100${debounced() ? `&q=${encodeURIComponent(debounced())}` : ''}${status() ? `&status=${status()}` : ''}`);

  return (
    <div class="page">
      <div class="content kb">
        <div class="content-head">
          <div><h1>Knowledge base</h1><p class="sub">Answers from solved cases. Published public articles also show in the customer portal.</p></div>
          <Show when={allows('knowledge.write')}><A class="btn primary" href="/knowledge/new">New article</A></Show>
        </div>
        <div class="kb-split">
          <section class="kb-list">
            <div class="row">
              <input type="search" aria-label="Search articles" placeholder="Search: words, fault code…" value={q()} onInput={(e) => setQ(e.currentTarget.value)} />
              <select aria-label="Article status" value={status()} onChange={(e) => setStatus(e.currentTarget.value)}>
                <option value="">Drafts and published</option>
                <For each={STATUSES}>{(s) => <option value={s}>{humanize(s)}</option>}</For>
              </select>
            </div>
            <ListStates data={data} onRetry={refetch} empty="No articles" emptyHint="Nothing matches. Closed orders with a confirmed fault code draft articles here.">
              {(items) => (
                <ul class="kb-items" data-testid="kb-list">
                  <For each={items}>{(a) => (
                    <li classList={{ on: params.id === a.id }}>
                      <A href={`/knowledge/${a.id}`}>
                        <div class="row"><span class="mono muted small">{a.number}</span>
                          <span class={`status kb-${a.status}`}>{humanize(a.status)}</span>
                          <Show when={a.visibility === 'public'}><span class="status kb-public">public</span></Show>
                          <Show when={a.caseCount}><span class="muted small" style={{ 'margin-left': 'auto' }}>{a.caseCount} case{a.caseCount === 1 ? '' : 's'}</span></Show>
                        </div>
                        <strong>{a.title}</strong>
                        <p class="muted small">{a.excerpt}</p>
                      </A>
                    </li>
                  )}</For>
                </ul>
              )}
            </ListStates>
          </section>
          <section class="kb-article">
            <Show when={params.id} fallback={<Empty title="Pick an article">Or search for one; <kbd>/</kbd> is not needed, just type.</Empty>}>
              {(id) => <ArticleView id={id()} onChanged={() => void refetch()} onCreated={(a) => { void refetch(); navigate(`/knowledge/${a.id}`, { replace: true }); }} />}
            </Show>
          </section>
        </div>
      </div>
    </div>
  );
}

function ArticleView(props: { id: string; onChanged: () => void; onCreated: (a: Article) => void }) {
  const isNew = () => props.id === 'new';
  const [article, setArticle] = createSignal<Article | null>(null);
  const [error, setError] = createSignal('');
  const [isEditing, setEditing] = createSignal(false);
  createEffect(on(() => props.id, async (id) => {
    setError(''); setArticle(null); setEditing(id === 'new');
    if (id === 'new') return;
    try { setArticle(await api<Article>('GET', `/knowledge/articles/${id}`)); } catch (err) { setError(failureOf(err).message); }
  }));
  const setStatus = async (status: 'draft' | 'published' | 'archived') => {
    try {
      const a = await api<Article>('POST', `/knowledge/articles/${props.id}/status`, { body: { status, version: article()!.version } });
      setArticle(a); props.onChanged(); toast(`${a.number} ${status === 'published' ? 'published' : status === 'archived' ? 'archived' : 'back to draft'}`);
    } catch (err) { toast(failureOf(err).message, 'error'); }
  };
  return (
    <Show when={!error()} fallback={<ErrorState message={error()} />}>
      <Show when={isEditing()} fallback={
        <Show when={article()} fallback={<Loading label="Loading the article…" />}>
          {(a) => (
            <article class="panel" data-testid="kb-article">
              <div class="panel-head">
                <span class="mono muted">{a().number}</span>
                <span class={`status kb-${a().status}`}>{humanize(a().status)}</span>
                <span class="status">{a().visibility}</span>
                <span class="muted small">v{a().version} · {dateTime(a().updatedAt)}</span>
                <div class="row" style={{ 'margin-left': 'auto' }}>
                  <Show when={allows('knowledge.write')}><button class="btn small" onClick={() => setEditing(true)}>Edit</button></Show>
                  <Show when={allows('knowledge.publish') && a().status !== 'published'}><button class="btn small primary" onClick={() => void setStatus('published')}>Publish</button></Show>
                  <Show when={allows('knowledge.publish') && a().status === 'published'}><button class="btn small" onClick={() => void setStatus('archived')}>Archive</button></Show>
                  <Show when={allows('knowledge.write') && a().status !== 'draft'}><button class="btn small ghost" onClick={() => void setStatus('draft')}>Back to draft</button></Show>
                </div>
              </div>
              <div class="panel-body">
                <h2 class="kb-title">{a().title}</h2>
                <div class="row small">
                  <For each={a().faultCodes}>{(c) => <span class="chip mono">{c}</span>}</For>
                  <For each={a().tags}>{(t) => <span class="chip">#{t}</span>}</For>
                </div>
                {/* sanitised on the hub (marked + sanitize-html allow list) */}
                <div class="markdown" innerHTML={a().bodyHtml} />
                <Show when={a().cases.length}>
                  <h3 class="section-title">Solved cases ({a().cases.length})</h3>
                  <table class="data" data-testid="kb-cases">
                    <thead><tr><th>Order</th><th>Request</th><th>Solution</th><th>Closed</th></tr></thead>
                    <tbody><For each={a().cases}>{(c) => (
                      <tr><td class="mono">{c.orderNumber}</td><td><A class="mono" href={`/requests/${c.requestId}`}>{c.requestNumber}</A></td>
                        <td>{c.workDone}<Show when={c.failedComponent}><div class="muted small">failed: {c.failedComponent}</div></Show></td>
                        <td class="muted small">{dateTime(c.addedAt)}</td></tr>
                    )}</For></tbody>
                  </table>
                </Show>
              </div>
            </article>
          )}
        </Show>
      }>
        <ArticleEditor article={article()} onCancel={() => (isNew() ? history.back() : setEditing(false))}
          onSaved={(a) => { setArticle(a); setEditing(false); if (isNew()) props.onCreated(a); else props.onChanged(); }} />
      </Show>
    </Show>
  );
}

function ArticleEditor(props: { article: Article | null; onSaved: (a: Article) => void; onCancel: () => void }) {
  const a = props.article;
  const [title, setTitle] = createSignal(a?.title ?? '');
  const [body, setBody] = createSignal(a?.body ?? '');
  const [tags, setTags] = createSignal(a?.tags.join(', ') ?? '');
  const [codes, setCodes] = createSignal(a?.faultCodes.join(', ') ?? '');
  const [visibility, setVisibility] = createSignal(a?.visibility ?? 'internal');
  const [note, setNote] = createSignal('');
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const save = async () => {
    setFailure(null);
    const fields = { title: title(), body: body(), tags: list(tags()), faultCodes: list(codes()), visibility: visibility() };
    try {
      const saved = a
        ? await api<Article>('PATCH', `/knowledge/articles/${a.id}`, { body: { ...fields, version: a.version, ...(note().trim() ? { note: note().trim() } : {}) } })
        : await api<Article>('POST', '/knowledge/articles', { body: fields });
      toast(`${saved.number} saved`);
      props.onSaved(saved);
    } catch (err) { setFailure(failureOf(err)); }
  };
  return (
    <form class="panel" data-testid="kb-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <div class="panel-head"><strong>{a ? `Edit ${a.number}` : 'New article'}</strong></div>
      <div class="panel-body form-grid">
        <Field label="Title" error={failure()?.fields.title} wide><input value={title()} onInput={(e) => setTitle(e.currentTarget.value)} required /></Field>
        <Field label="Body (Markdown)" error={failure()?.fields.body} wide>
          <textarea rows={14} class="mono" value={body()} onInput={(e) => setBody(e.currentTarget.value)} placeholder={'## Symptom\n\n## Cause\n\n## Solution'} />
        </Field>
        <Field label="Fault codes (comma separated)" error={failure()?.fields.faultCodes}><input value={codes()} onInput={(e) => setCodes(e.currentTarget.value)} /></Field>
        <Field label="Tags" error={failure()?.fields.tags}><input value={tags()} onInput={(e) => setTags(e.currentTarget.value)} /></Field>
        <Field label="Visibility">
          <select value={visibility()} onChange={(e) => setVisibility(e.currentTarget.value as 'internal' | 'public')}>
            <option value="internal">Internal (staff only)</option><option value="public">Public (customer portal)</option>
          </select>
        </Field>
        <Show when={a}><Field label="What changed (kept with the revision)"><input value={note()} onInput={(e) => setNote(e.currentTarget.value)} /></Field></Show>
        <Show when={failure()}><p class="form-error" role="alert" style={{ 'grid-column': '1 / -1' }}>{failure()!.message}</p></Show>
        <div class="form-actions" style={{ 'grid-column': '1 / -1' }}>
          <button class="btn ghost" type="button" onClick={props.onCancel}>Cancel</button>
          <button class="btn primary" type="submit">Save</button>
        </div>
      </div>
    </form>
  );
}
