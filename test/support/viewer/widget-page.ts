import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';

const MODULES = join(__dirname, '..', '..', '..', 'node_modules');

/** The official widget's UMD build and the React 18 UMD builds it needs, served as an application would. */
const SCRIPTS: Record<string, string> = {
  '/react.js': join(MODULES, 'react', 'umd', 'react.production.min.js'),
  '/react-dom.js': join(MODULES, 'react-dom', 'umd', 'react-dom.production.min.js'),
  '/logs-viewer.js': join(MODULES, '@retracedhq', 'logs-viewer', 'dist', 'retraced-logs-viewer.umd.cjs'),
};

export interface WidgetPage {
  url: string;
  close(): Promise<void>;
}

/**
 * An application page embedding `@retracedhq/logs-viewer` unmodified, on its own origin (so the
 * viewer API is called cross-origin, as in production). Its backend route `/viewer-token` mints a
 * viewer token with the application's API token, as the widget's documentation shows;
 * `refreshToken` fetches a new one and counts how often it was asked (`window.refreshes`).
 */
export async function startWidgetPage(options: {
  service: string;
  projectId: string;
  apiToken: string;
  groupId: string;
  actorId: string;
  isAdmin?: boolean;
}): Promise<WidgetPage> {
  const host = `${options.service}/auditlog/viewer/v1`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Acme audit log</title></head><body>
<div id="root" style="height:100vh"></div>
<script>window.process = { env: { NODE_ENV: 'production' } };</script>
<script src="/react.js"></script><script src="/react-dom.js"></script><script src="/logs-viewer.js"></script>
<script>
  const root = ReactDOM.createRoot(document.getElementById('root'));
  window.refreshes = 0;
  async function load() {
    const { token } = await (await fetch('/viewer-token')).json();
    root.render(React.createElement(RetracedLogsViewer, {
      host: ${JSON.stringify(host)}, auditLogToken: token, header: 'Acme audit log',
      refreshToken: () => { window.refreshes += 1; load(); },
    }));
  }
  load();
</script></body></html>`;
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.url === '/') {
        response.setHeader('content-type', 'text/html; charset=utf-8');
        return response.end(html);
      }
      const script = SCRIPTS[request.url ?? ''];
      if (script) {
        response.setHeader('content-type', 'application/javascript; charset=utf-8');
        return response.end(readFileSync(script));
      }
      if (request.url === '/viewer-token') {
        const query = new URLSearchParams({ group_id: options.groupId, actor_id: options.actorId, is_admin: String(options.isAdmin ?? false) });
        const minted = await fetch(`${options.service}/auditlog/publisher/v1/project/${options.projectId}/viewertoken?${query}`, {
          headers: { authorization: `Token token=${options.apiToken}` },
        });
        response.statusCode = minted.status;
        response.setHeader('content-type', 'application/json');
        return response.end(await minted.text());
      }
      response.statusCode = 404;
      response.end();
    })().catch((error: Error) => {
      response.statusCode = 500;
      response.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
