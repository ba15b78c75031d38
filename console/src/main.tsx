import { render } from 'solid-js/web';
import { createResource, createSignal, For, Show } from 'solid-js';
import { api, ApiError, type Me, type Page } from './api';

// A placeholder until the live console lands: sign in, see who you are and what the hub holds.
function App() {
  const [me, { refetch }] = createResource(async () => {
    try {
      return await api<Me>('GET', '/auth/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  });
  return (
    <main>
      <header><h1>Service Hub</h1><Show when={me()}>{(m) => <SignedInAs me={m()} onOut={refetch} />}</Show></header>
      <Show when={!me.loading} fallback={<p>Loading…</p>}>
        <Show when={me()} fallback={<Login onIn={refetch} />}>
          <Overview />
        </Show>
      </Show>
    </main>
  );
}

function SignedInAs(props: { me: Me; onOut: () => void }) {
  const out = async () => { await api('POST', '/auth/logout'); props.onOut(); };
  return (
    <div class="who">
      <span data-testid="who">{props.me.user?.name ?? 'API key'} · {props.me.role}</span>
      <button onClick={out}>Sign out</button>
    </div>
  );
}

function Login(props: { onIn: () => void }) {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError('');
    try {
      await api('POST', '/auth/login', { email: email(), password: password() });
      props.onIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="card login" onSubmit={submit}>
      <h2>Sign in</h2>
      <label>Email <input type="email" autocomplete="username" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} required /></label>
      <label>Password <input type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} required /></label>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <button type="submit">Sign in</button>
    </form>
  );
}

interface Req { id: string; number: string; subject: string; status: string; priority: string; channel: string; createdAt: string }

function Overview() {
  const [requests] = createResource(() => api<Page<Req>>('GET', '/requests?limit=20'));
  const [assets] = createResource(() => api<Page<{ id: string }>>('GET', '/assets?limit=500').catch(() => null));
  return (
    <section class="card">
      <p>
        <Show when={assets()}>{(a) => <span data-testid="asset-count">{a().items.length}{a().nextCursor ? '+' : ''} assets in the install base · </span>}</Show>
        <a href="/api/openapi.json">API (OpenAPI)</a>
      </p>
      <h2>Latest requests</h2>
      <Show when={requests()?.items.length} fallback={<p>No requests yet.</p>}>
        <table>
          <thead><tr><th>Number</th><th>Subject</th><th>Channel</th><th>Priority</th><th>Status</th><th>Opened</th></tr></thead>
          <tbody>
            <For each={requests()?.items}>{(r) => (
              <tr><td>{r.number}</td><td>{r.subject}</td><td>{r.channel}</td><td>{r.priority}</td><td>{r.status}</td><td>{new Date(r.createdAt).toLocaleString()}</td></tr>
            )}</For>
          </tbody>
        </table>
      </Show>
      <p class="hint">The live agent console (queues, request view, alarms, phone intake) replaces this page.</p>
    </section>
  );
}

render(() => <App />, document.getElementById('root')!);
