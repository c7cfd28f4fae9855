import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Session } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [options, setOptions] = useState<{ directory: boolean; token: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · Audit log';
    api<{ directory: boolean; token: boolean }>('/console/api/sign-in').then(setOptions, () => setOptions({ directory: false, token: true }));
  }, []);

  const submit = async (event: Event, body: Record<string, string>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Session>('/console/api/session', { method: 'POST', body }));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429) setError(`Too many failed attempts. Try again in ${failure.retryAfter ?? 60} seconds.`);
      else if (failure instanceof ApiError && failure.status === 401) setError(body.token ? 'That token is not valid.' : 'Wrong username or password.');
      else setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const form = (event: Event) => Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement)) as Record<string, string>;

  return (
    <main class="signin" id="main">
      <h1>Sign in to the audit log</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {options?.directory ? (
        <form aria-label="Sign in with your directory account" onSubmit={(e) => submit(e, form(e))}>
          <label for="username">Username</label>
          <input id="username" name="username" type="text" autocomplete="username" required autoFocus />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button class="btn primary" type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      ) : null}
      <form aria-label="Sign in with an API token" onSubmit={(e) => submit(e, form(e))}>
        <label for="token">API token (read or admin)</label>
        <input id="token" name="token" type="password" autocomplete="off" required autoFocus={!options?.directory} />
        <button class="btn" type="submit" disabled={busy}>
          Sign in with token
        </button>
      </form>
      <p class="notice">The session is kept in a cookie that scripts cannot read; it ends after a period without use, or when you sign out.</p>
    </main>
  );
}
