import { useEffect, useState } from 'preact/hooks';

/**
 * Everything a view shows is in its URL (path and query), so a link reopens it and back and
 * forward work: /console (search), /console/person/<any name>, /console/integrity; `project`,
 * `q` (the query bar), `tab`, `event` (the open event), `tz`.
 */
export interface Route {
  page: 'search' | 'person' | 'integrity';
  person?: string;
  params: URLSearchParams;
}

const BASE = '/console';

export function readRoute(location: Location = window.location): Route {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const params = new URLSearchParams(location.search);
  const person = /^\/person\/(.+)$/.exec(path);
  if (person) return { page: 'person', person: decodeURIComponent(person[1]), params };
  if (path === '/integrity') return { page: 'integrity', params };
  return { page: 'search', params };
}

export function routeHref(route: { page: Route['page']; person?: string; params?: Record<string, string | undefined> | URLSearchParams }): string {
  const path =
    route.page === 'person' ? `${BASE}/person/${encodeURIComponent(route.person ?? '')}` : route.page === 'integrity' ? `${BASE}/integrity` : `${BASE}/`;
  const params = new URLSearchParams();
  const given = route.params instanceof URLSearchParams ? Object.fromEntries(route.params) : (route.params ?? {});
  for (const [key, value] of Object.entries(given)) if (value !== undefined && value !== '') params.set(key, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

const CHANGED = 'console:navigate';

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current route, updated on navigation and on back / forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const update = () => setRoute(readRoute());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return route;
}

/** The same route with some parameters changed (undefined removes one). */
export function withParams(route: Route, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(route.params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  return routeHref({ page: route.page, person: route.person, params });
}
