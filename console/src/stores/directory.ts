import { createSignal } from 'solid-js';
import { api, type Page } from '../api/client';
import type { TeamView, UserView } from '../api/types';
import { allows, me } from './session';

// Names for the ids on screen: teams (everyone who reads the install base) and users (for those
// allowed to list them). Loaded once per sign-in, refreshed by admin pages after a write.
const [teams, setTeams] = createSignal<TeamView[]>([]);
const [users, setUsers] = createSignal<UserView[]>([]);
/** names the hub told this user in passing (a claim conflict names who holds the request) */
const [heard, setHeard] = createSignal<Record<string, string>>({});

export { teams, users };

export async function loadDirectory(): Promise<void> {
  const [t, u] = await Promise.all([
    allows('install-base.read') ? api<Page<TeamView>>('GET', '/teams?limit=500').catch(() => null) : null,
    allows('users.read') ? api<Page<UserView>>('GET', '/users?limit=500').catch(() => null) : null,
  ]);
  // Without users.read (agents, technicians): the colleagues' names, so the screen says who, not "Assigned".
  if (!u && allows('colleagues.read')) {
    const c = await api<{ items: Array<{ id: string; name: string }> }>('GET', '/colleagues').catch(() => null);
    if (c) setHeard((h) => ({ ...Object.fromEntries(c.items.map((x) => [x.id, x.name])), ...h }));
  }
  // The agent's own teams first, then the rest, each by name.
  const mine = new Set(me()?.user?.teamIds ?? []);
  if (t) setTeams([...t.items].sort((a, b) => Number(mine.has(b.id)) - Number(mine.has(a.id)) || a.name.localeCompare(b.name)));
  if (u) setUsers(u.items);
}

export function teamName(id: string | null): string {
  if (!id) return 'Unrouted';
  return teams().find((t) => t.id === id)?.name ?? 'Team';
}

export function userName(id: string | null): string | null {
  if (!id) return null;
  return users().find((u) => u.id === id)?.name ?? heard()[id] ?? null;
}

/** An agent may not list users, but the hub names a colleague where it matters (who holds a request). */
export function rememberName(id: string, name: string): void {
  if (heard()[id] !== name) setHeard((h) => ({ ...h, [id]: name }));
}
