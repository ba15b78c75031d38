import { For } from 'solid-js';
import { CHANNELS, PRIORITIES, REQUEST_STATUSES, REQUEST_TYPES } from '../../../../hub/contracts/model.js';
import { humanize } from '../../stores/request-reducer';
import type { QueueFilter } from '../../stores/queue-reducer';
import { myUserId } from '../../stores/session';

export function QueueFilters(props: { filter: QueueFilter; onChange: (patch: Partial<QueueFilter>) => void; searchRef: (el: HTMLInputElement) => void }) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onSearch = (value: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => props.onChange({ q: value.trim() || undefined }), 250);
  };
  return (
    <div class="filters" role="search">
      <div class="search">
        <input
          ref={props.searchRef} type="search" placeholder="Search number, subject, description" aria-label="Search requests"
          value={props.filter.q ?? ''} onInput={(e) => onSearch(e.currentTarget.value)}
          onKeyDown={(e) => { if (e.key === 'Escape') e.currentTarget.blur(); }}
        />
        <kbd>/</kbd>
      </div>
      <Select label="Status" value={props.filter.status} onChange={(v) => props.onChange({ status: v || 'open' })}
        options={[['open', 'Open'], ['all', 'Any status'], ...REQUEST_STATUSES.map((s) => [s, humanize(s)] as [string, string])]} />
      <Select label="Priority" value={props.filter.priority ?? ''} onChange={(v) => props.onChange({ priority: v || undefined })}
        options={[['', 'Any priority'], ...PRIORITIES.map((s) => [s, humanize(s)] as [string, string])]} />
      <Select label="Channel" value={props.filter.channel ?? ''} onChange={(v) => props.onChange({ channel: v || undefined })}
        options={[['', 'Any channel'], ...CHANNELS.map((s) => [s, humanize(s)] as [string, string])]} />
      <Select label="Type" value={props.filter.type ?? ''} onChange={(v) => props.onChange({ type: v || undefined })}
        options={[['', 'Any type'], ...REQUEST_TYPES.map((s) => [s, humanize(s)] as [string, string])]} />
      <Select label="Assignee" value={props.filter.assignee ?? ''} onChange={(v) => props.onChange({ assignee: v || undefined })}
        options={[['', 'Anyone'], ...(myUserId() ? [[myUserId()!, 'Assigned to me'] as [string, string]] : [])]} />
    </div>
  );
}

function Select(props: { label: string; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  return (
    <label class="select">
      <span class="sr-only">{props.label}</span>
      <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={props.options}>{([v, l]) => <option value={v} selected={v === props.value}>{l}</option>}</For>
      </select>
    </label>
  );
}
