import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { api, type Page } from '../../api/client';
import type { ArticleSuggestion } from '../../api/types';
import { allows } from '../../stores/session';

/** Published articles for this request (fault code, model, words); an agent puts one's answer into the reply. */
export function KnowledgeSuggestions(props: { requestId: string; onInsert: (answer: string) => void }) {
  const [items] = createResource(() => props.requestId, async (id) => (await api<Page<ArticleSuggestion>>('GET', `/requests/${id}/knowledge`)).items);
  return (
    <Show when={items()?.length}>
      <section class="kb-suggest" data-testid="kb-suggestions" aria-label="Suggested articles">
        <h3 class="section-title" style={{ margin: 0 }}>Suggested answers</h3>
        <ul>
          <For each={items()}>{(a) => (
            <li>
              <div class="grow">
                <A href={`/knowledge/${a.id}`}>{a.title}</A>
                <div class="muted small">{a.number} · {a.reasons.join(' · ')}</div>
              </div>
              <Show when={allows('requests.reply')}>
                <button class="btn small" type="button" title="Put this article's answer into an email reply" onClick={() => props.onInsert(a.answer)}>Use in reply</button>
              </Show>
            </li>
          )}</For>
        </ul>
      </section>
    </Show>
  );
}
