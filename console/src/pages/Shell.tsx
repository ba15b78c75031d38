import { A, useLocation, useNavigate } from '@solidjs/router';
import { createEffect, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { Permission } from '../../../hub/auth/permissions.js';
import { CallPopup } from '../components/CallPopup';
import { ConnectionBanner, LiveDot } from '../components/ConnectionBanner';
import { GlobalSearch } from '../components/GlobalSearch';
import { closeRealtime, realtime } from '../realtime';
import { startClock } from '../stores/clock';
import { loadDirectory } from '../stores/directory';
import { allows, me, signOut } from '../stores/session';

interface NavItem { href: string; label: string; icon: string; permission: Permission; key?: string }

const WORK: NavItem[] = [
  { href: '/queue', label: 'Queues', icon: '☰', permission: 'requests.read', key: 'g q' },
  { href: '/intake', label: 'Phone intake', icon: '☏', permission: 'requests.create', key: 'g p' },
  { href: '/alarms', label: 'Alarms', icon: '⚠', permission: 'requests.read', key: 'g a' },
  { href: '/dispatch', label: 'Dispatch', icon: '⇶', permission: 'dispatch.plan', key: 'g d' },
  { href: '/my-day', label: 'My day', icon: '⚒', permission: 'technicians.report', key: 'g m' },
  { href: '/knowledge', label: 'Knowledge base', icon: '❖', permission: 'knowledge.read', key: 'g k' },
  { href: '/reports', label: 'Reports', icon: '▥', permission: 'reports.read', key: 'g r' },
];
const ADMIN: NavItem[] = [
  { href: '/admin/users', label: 'Users', icon: '◉', permission: 'users.read' },
  { href: '/admin/teams', label: 'Teams & routing', icon: '◈', permission: 'teams.write' },
  { href: '/admin/catalog', label: 'Categories & codes', icon: '▤', permission: 'catalog.write' },
  { href: '/admin/devices', label: 'Devices', icon: '⌁', permission: 'devices.manage' },
  { href: '/admin/outbox', label: 'Outbox', icon: '➚', permission: 'outbox.retry' },
  { href: '/admin/import', label: 'CSV import', icon: '⇪', permission: 'import.run' },
  { href: '/admin/dead-letters', label: 'Dead letters', icon: '✉', permission: 'dead-letters.read' },
];

/** The signed-in frame: navigation by role, the live-connection state, and the page. */
export function Shell(props: { children?: JSX.Element }) {
  const navigate = useNavigate();
  const location = useLocation();

  createEffect(() => {
    if (me() === null) navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
  });
  onMount(() => {
    startClock();
    void loadDirectory();
    realtime().connect();
  });
  onCleanup(closeRealtime);

  // g q / g p / g a jump between the work screens, as in most agent tools.
  let pendingG = 0;
  const onKey = (e: KeyboardEvent) => {
    if (isTyping(e)) return;
    if (e.key === 'g') { pendingG = Date.now(); return; }
    if (Date.now() - pendingG < 1000) {
      const item = WORK.find((w) => w.key === `g ${e.key}`);
      if (item) { e.preventDefault(); navigate(item.href); }
      pendingG = 0;
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  const out = async () => {
    await signOut();
    navigate('/login', { replace: true });
  };
  const admin = () => ADMIN.filter((i) => allows(i.permission));

  return (
    <Show when={me()}>
      {(m) => (
        <div class="shell">
          <nav class="side" aria-label="Main">
            <div class="brand"><span class="logo">SH</span><span>Service Hub</span></div>
            <Show when={allows('search.read')}><GlobalSearch /></Show>
            <div class="nav-group">
              <For each={WORK.filter((i) => allows(i.permission))}>{(i) => <NavLink item={i} />}</For>
            </div>
            <Show when={admin().length}>
              <div class="nav-title">Administration</div>
              <div class="nav-group"><For each={admin()}>{(i) => <NavLink item={i} />}</For></div>
            </Show>
            <div class="side-foot">
              <LiveDot state={realtime().state()} />
              <div class="me">
                <div class="avatar">{initials(m().user?.name ?? 'API')}</div>
                <div class="me-text">
                  <span class="me-name" data-testid="who">{m().user?.name ?? 'API key'}</span>
                  <span class="me-role">{m().role}</span>
                </div>
                <button class="btn ghost small" onClick={out} title="Sign out">Sign out</button>
              </div>
            </div>
          </nav>
          <div class="main">
            <ConnectionBanner state={realtime().state()} />
            {props.children}
          </div>
          <Show when={allows('requests.create')}><CallPopup /></Show>
        </div>
      )}
    </Show>
  );
}

function NavLink(props: { item: NavItem }) {
  return (
    <A href={props.item.href} class="nav-link" activeClass="active">
      <span class="nav-icon" aria-hidden="true">{props.item.icon}</span>{props.item.label}
      <Show when={props.item.key}><kbd class="nav-key">{props.item.key}</kbd></Show>
    </A>
  );
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0]!.toUpperCase()).join('');
}

export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) || e.metaKey || e.ctrlKey || e.altKey;
}
