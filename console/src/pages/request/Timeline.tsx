import { For, Show } from 'solid-js';
import type { TimelineEntryView } from '../../api/types';
import { dateTime } from '../../lib/time';
import { teamName, userName } from '../../stores/directory';
import { humanize } from '../../stores/request-reducer';
import { myUserId } from '../../stores/session';

const ICON: Record<string, string> = {
  created: '✦', intake: '⇣', note: '✎', call: '☏', email_in: '✉', email_out: '➚', form: '⌂', alarm: '⚠', status_changed: '◐',
  assigned: '➜', priority_changed: '⚑', attached: '⧉', merged: '⤞', split: '⤟', order: '⚙', sla: '⏱',
};

export function Timeline(props: { entries: readonly TimelineEntryView[] }) {
  return (
    <Show when={props.entries.length} fallback={<p class="muted pad">No history yet.</p>}>
      <ol class="timeline" data-testid="timeline">
        <For each={props.entries}>{(e) => (
          <li class={`tl tl-${e.kind}`} classList={{ internal: e.isInternal && e.kind === 'note' }} data-kind={e.kind}>
            <span class="tl-icon" aria-hidden="true">{ICON[e.kind] ?? '•'}</span>
            <div class="tl-main">
              <div class="tl-head">
                <span class="tl-what">{describe(e)}</span>
                <Show when={e.isInternal && e.kind === 'note'}><span class="tag">Internal</span></Show>
                <span class="tl-who muted">{actor(e)}</span>
                <time class="tl-when muted" datetime={e.createdAt}>{dateTime(e.createdAt)}</time>
              </div>
              <Show when={e.body}><div class="tl-body">{e.body}</div></Show>
            </div>
          </li>
        )}</For>
      </ol>
    </Show>
  );
}

function actor(e: TimelineEntryView): string {
  if (e.actorType === 'user' && e.actorId) return e.actorId === myUserId() ? 'You' : userName(e.actorId) ?? 'Agent';
  if (e.actorType === 'device') return 'Device';
  if (e.actorType === 'customer') return 'Customer';
  return humanize(e.actorType);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function describe(e: TimelineEntryView): string {
  const d = e.data;
  switch (e.kind) {
    case 'status_changed':
      return `Status ${humanize(str(d.from) ?? '?')} → ${humanize(str(d.to) ?? '?')}`;
    case 'priority_changed':
      return `Priority ${humanize(str(d.from) ?? '?')} → ${humanize(str(d.to) ?? '?')}`;
    case 'assigned':
      if ('teamTo' in d) return `Moved to ${teamName(str(d.teamTo))}`;
      return str(d.to) ? `Assigned to ${str(d.to) === myUserId() ? 'you' : userName(str(d.to)) ?? 'an agent'}` : 'Unassigned';
    case 'note':
      return 'Note';
    case 'created':
      return 'Request opened';
    case 'call':
      return 'Phone call';
    case 'email_in':
      return 'Email from customer';
    case 'email_out':
      return 'Email to customer';
    case 'alarm':
      return 'Alarm occurrence';
    case 'order':
      return 'Service order';
    case 'sla':
      return 'SLA';
    default:
      return humanize(e.kind);
  }
}
