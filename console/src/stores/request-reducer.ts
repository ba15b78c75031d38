import type { LoggedEvent, RequestDetail, TimelineEntryView } from '../api/types';
import { requestOf } from './queue-reducer';

// Pure rules for keeping an open request (header + timeline) in step with the event stream.

/**
 * Applies one event to the request on screen. Snapshots replace the header only when newer
 * (version); timeline entries are added once, in time order.
 */
export function applyToRequest(detail: RequestDetail, event: LoggedEvent): RequestDetail {
  if (event.type === 'request.timeline_added') {
    return event.data.requestId === detail.id ? { ...detail, timeline: addEntry(detail.timeline, event.data) } : detail;
  }
  const next = requestOf(event);
  if (!next || next.id !== detail.id || next.version <= detail.version) return detail;
  return { ...detail, ...next };
}

export function addEntry(timeline: readonly TimelineEntryView[], entry: TimelineEntryView): TimelineEntryView[] {
  if (timeline.some((e) => e.id === entry.id)) return timeline as TimelineEntryView[];
  const out = [...timeline, entry];
  out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return out;
}

/** Who holds the request, when a refused claim says so (details.assignee). */
export function holderOf(details: Record<string, unknown>): { id: string; name: string } | null {
  const a = details.assignee;
  if (!a || typeof a !== 'object') return null;
  const { id, name } = a as Record<string, unknown>;
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : null;
}

/** What a 409 on a write means for the agent, in words. */
export function conflictMessage(details: Record<string, unknown>): string {
  const assignee = details.assignee;
  if (assignee && typeof assignee === 'object' && 'name' in assignee) {
    return `${String((assignee as { name: unknown }).name)} holds this request now. It has been reloaded.`;
  }
  if (Array.isArray(details.allowed)) {
    const allowed = details.allowed.map(String);
    return allowed.length
      ? `That move is not allowed from here. Allowed: ${allowed.map(humanize).join(', ')}.`
      : 'This request cannot change status any more.';
  }
  if ('currentVersion' in details) return 'Someone else changed this request while you were looking. It has been reloaded; check and try again.';
  return 'This request changed in the meantime. It has been reloaded.';
}

export function humanize(s: string): string {
  const t = s.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
