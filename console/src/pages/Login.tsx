import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ApiError } from '../api/client';
import { expiredAt, signIn } from '../stores/session';

export function LoginPage() {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal('');
  const [isBusy, setBusy] = createSignal(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError('');
    setBusy(true);
    try {
      await signIn(email(), password());
      const next = typeof params.next === 'string' && params.next.startsWith('/') ? params.next : '/';
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not sign in. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <form class="login" onSubmit={submit}>
        <div class="brand big"><span class="logo">SH</span> Service Hub</div>
        <h1>Sign in to the console</h1>
        <Show when={expiredAt()}><p class="notice">Your session ended. Sign in again to continue.</p></Show>
        <label>Email<input type="email" autocomplete="username" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} required autofocus /></label>
        <label>Password<input type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} required /></label>
        <Show when={error()}><p class="form-error" role="alert">{error()}</p></Show>
        <button class="btn primary wide" type="submit" disabled={isBusy()}>{isBusy() ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  );
}
