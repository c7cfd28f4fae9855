import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Session, whenSignedOut } from '../api';
import { routeHref, useRoute, withParams, navigate } from '../route';
import type { Zone } from '../time';
import { IntegrityPage } from './IntegrityPage';
import { PersonPage } from './PersonPage';
import { PersonPicker } from './PersonPicker';
import { SearchPage } from './SearchPage';
import { SignIn } from './SignIn';

type Theme = 'system' | 'light' | 'dark';

const SYSTEM_DARK = window.matchMedia('(prefers-color-scheme: dark)');

/** One palette per theme in the stylesheet; `system` follows the operating system as it changes. */
function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme === 'system' ? (SYSTEM_DARK.matches ? 'dark' : 'light') : theme;
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('console-theme') as Theme | null) ?? 'system');
  useEffect(() => {
    applyTheme(theme);
    const follow = () => applyTheme(theme);
    SYSTEM_DARK.addEventListener('change', follow);
    return () => SYSTEM_DARK.removeEventListener('change', follow);
  }, [theme]);
  const chooseTheme = (next: Theme) => {
    localStorage.setItem('console-theme', next);
    setTheme(next);
  };

  useEffect(() => {
    whenSignedOut(() => setSession(null));
    api<Session>('/console/api/session').then(setSession, (error: unknown) => {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setSession(null);
      else setProblem(error instanceof Error ? error.message : String(error));
    });
  }, []);

  if (problem)
    return (
      <main>
        <p class="error" role="alert">
          The console cannot reach the service: {problem}
        </p>
      </main>
    );
  if (session === undefined)
    return (
      <main>
        <p aria-live="polite">Loading…</p>
      </main>
    );
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return <Shell session={session} onSignedOut={() => setSession(null)} theme={theme} onTheme={chooseTheme} />;
}

function Shell({ session, onSignedOut, theme, onTheme }: { session: Session; onSignedOut: () => void; theme: Theme; onTheme: (theme: Theme) => void }) {
  const route = useRoute();
  const zone: Zone = route.params.get('tz') === 'local' ? 'local' : 'utc';
  const projectIds = session.projects.map((p) => p.id);
  const wanted = route.params.get('project');
  const project = wanted && projectIds.includes(wanted) ? wanted : projectIds.includes('default') ? 'default' : projectIds[0];

  useEffect(() => {
    document.title = route.page === 'person' ? `${route.person} · Audit log` : route.page === 'integrity' ? 'Integrity · Audit log' : 'Search · Audit log';
  }, [route.page, route.person]);

  const signOut = async () => {
    try {
      await api('/console/api/session', { method: 'DELETE' });
    } finally {
      onSignedOut();
    }
  };
  const keep = { project: route.params.get('project') ?? undefined, tz: route.params.get('tz') ?? undefined };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>Audit log</h1>
        <nav aria-label="Console">
          <a href={routeHref({ page: 'search', params: keep })} aria-current={route.page === 'search' ? 'page' : undefined} onClick={link}>
            Search
          </a>
          <a href={routeHref({ page: 'integrity', params: keep })} aria-current={route.page === 'integrity' ? 'page' : undefined} onClick={link}>
            Integrity
          </a>
        </nav>
        <div class="grow">
          <PersonPicker directory={session.directory} keep={keep} />
        </div>
        <div class="controls">
          {session.projects.length > 1 ? (
            <label>
              Project{' '}
              <select value={project} onChange={(e) => navigate(withParams(route, { project: (e.target as HTMLSelectElement).value, event: undefined }))}>
                {session.projects.map((p) => (
                  <option value={p.id}>{p.name === p.id ? p.id : `${p.name} (${p.id})`}</option>
                ))}
              </select>
            </label>
          ) : (
            <span>
              Project <strong>{project}</strong>
            </span>
          )}
          <label>
            Time zone{' '}
            <select
              value={zone}
              onChange={(e) => navigate(withParams(route, { tz: (e.target as HTMLSelectElement).value === 'local' ? 'local' : undefined }), { replace: true })}
            >
              <option value="utc">UTC</option>
              <option value="local">Local</option>
            </select>
          </label>
          <label>
            Theme{' '}
            <select value={theme} onChange={(e) => onTheme((e.target as HTMLSelectElement).value as Theme)}>
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <span class="notice">
            Signed in as <strong>{session.name}</strong>
          </span>
          <button type="button" class="btn" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'person' && route.person ? (
          <PersonPage key={`${project}:${route.person}`} route={route} project={project} zone={zone} directory={session.directory} />
        ) : route.page === 'integrity' ? (
          <IntegrityPage project={project} zone={zone} />
        ) : (
          <SearchPage route={route} project={project} zone={zone} />
        )}
      </main>
    </>
  );
}

/** In-app navigation for plain links (new tab and the like still work). */
export function link(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href')!);
}
