import { Show } from 'solid-js';
import type { RequestView } from '../../api/types';
import { PriorityBadge, StatusBadge } from '../../components/bits';
import { shortAge, slaLevel, slaText } from '../../lib/time';
import { now } from '../../stores/clock';
import { teamName, userName } from '../../stores/directory';
import { myUserId } from '../../stores/session';

export const ROW_HEIGHT = 38;

const CHANNEL_ICON: Record<string, string> = { phone: '☏', email: '✉', web: '⌂', mqtt: '⚡' };

/** The SLA clock that matters now: the response until someone responded, then the resolution. */
export function dueOf(r: RequestView): string | null {
  return r.firstRespondedAt ? r.resolutionDueAt : r.responseDueAt ?? r.resolutionDueAt;
}

export function QueueRow(props: { row: RequestView; isSelected: boolean; isNew: boolean; onOpen: () => void; onSelect: () => void }) {
  const r = () => props.row;
  const level = () => slaLevel(r().createdAt, dueOf(r()), now());
  const assignee = () => {
    const id = r().assigneeId;
    if (!id) return null;
    return id === myUserId() ? 'Me' : userName(id) ?? 'Assigned';
  };
  return (
    <div
      class="qrow" role="row" data-testid="queue-row" data-id={r().id}
      classList={{ selected: props.isSelected, arrived: props.isNew, [`p-${r().priority}`]: true }}
      aria-selected={props.isSelected}
      onClick={props.onSelect} onDblClick={props.onOpen}
    >
      <span class="c-num mono" role="cell">
        <a href={`/requests/${r().id}`} onClick={(e) => { e.preventDefault(); props.onOpen(); }}>{r().number}</a>
      </span>
      <span class="c-prio" role="cell"><PriorityBadge priority={r().priority} /></span>
      <span class="c-subj" role="cell" title={r().subject}>
        <Show when={r().type !== 'request'}><span class={`type-tag t-${r().type}`}>{r().type}</span></Show>
        {r().subject}
      </span>
      <span class="c-chan muted" role="cell" title={r().channel}>{CHANNEL_ICON[r().channel]} {r().channel}</span>
      <span class="c-team muted" role="cell">{teamName(r().teamId)}</span>
      <span class="c-who" role="cell">{assignee() ?? <span class="muted">—</span>}</span>
      <span class="c-status" role="cell"><StatusBadge status={r().status} /></span>
      <span class="c-age mono muted" role="cell">{shortAge(r().createdAt, now())}</span>
      <span class={`c-sla mono sla-${level()}`} role="cell" title={dueOf(r()) ? `Due ${new Date(dueOf(r())!).toLocaleString()}` : 'No SLA'}>
        {slaText(dueOf(r()), now())}
      </span>
    </div>
  );
}

export function QueueHeader() {
  return (
    <div class="qrow qhead" role="row">
      <span class="c-num" role="columnheader">Number</span>
      <span class="c-prio" role="columnheader">Priority</span>
      <span class="c-subj" role="columnheader">Subject</span>
      <span class="c-chan" role="columnheader">Channel</span>
      <span class="c-team" role="columnheader">Team</span>
      <span class="c-who" role="columnheader">Assignee</span>
      <span class="c-status" role="columnheader">Status</span>
      <span class="c-age" role="columnheader">Age</span>
      <span class="c-sla" role="columnheader">SLA</span>
    </div>
  );
}
