import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import './support/browser-matchers';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { OpenLdapHandle, startOpenLdap } from './support/directories';
import { ServerProcess } from './support/server-process';
import { ADMIN_TOKEN, adminHeaders, postJson } from './support/test-app';
import { launchChromium } from './support/viewer/chromium';
import { ADA, CONSOLE_GROUP, consoleDirectoryLdif, JOHN_ENGINEER, JOHN_SALES, NED, PASSWORD, RITA } from './fixtures/console-directory';

jest.setTimeout(240_000);

type Json = any;

/** Screenshots for a person to look at (git-ignored). */
const SHOTS = join(__dirname, '..', 'test-output', 'console');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The console in real Chromium against the real server process, a real slapd and each database:
 * what a compliance admin sees, driven through labels, roles and text.
 */
describe.each(DIALECTS)('the console in Chromium on %s', (dialect) => {
  let db: TestDatabase;
  let ldap: OpenLdapHandle;
  let server: ServerProcess;
  let browser: Browser;
  let other: { id: string; readToken: string };
  const api = async (path: string) => {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: adminHeaders() });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return response.json();
  };
  const publish = async (project: string, events: Json[]) => {
    const response = await postJson(`${server.baseUrl}/publisher/v1/project/${project}/event/bulk`, { events }, adminHeaders());
    if (response.status !== 201) throw new Error(`bulk publish answered ${response.status}: ${await response.text()}`);
  };

  const newContext = (options: Parameters<Browser['newContext']>[0] = {}) =>
    browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  const signIn = async (page: Page, username: string, password: string) => {
    await page.goto(`${server.baseUrl}/console/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const signedIn = async (options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await newContext(options);
    const page = await context.newPage();
    await signIn(page, ADA.uid, PASSWORD);
    await expect(page.getByText('Signed in as')).toBeVisibleText(ADA.cn);
    return { context, page };
  };
  const total = (page: Page) => page.getByTestId('total');
  const rows = (page: Page) => page.locator('table.events tbody tr');
  const pick = async (page: Page, typed: string, optionText: string) => {
    const box = page.getByRole('combobox', { name: 'Find a person' });
    const suggestions = page.getByRole('listbox', { name: 'People' }).getByRole('option');
    await box.fill(typed);
    await suggestions.filter({ hasText: optionText }).waitFor();
    // Keyboard only: arrow down to the wanted suggestion, then Enter.
    const index = (await suggestions.allTextContents()).findIndex((text) => text.includes(optionText));
    for (let i = 0; i < index; i++) await box.press('ArrowDown');
    await expect(page.getByRole('listbox', { name: 'People' }).getByRole('option', { selected: true })).toBeVisibleText(optionText);
    await box.press('Enter');
  };
  const axe = async (page: Page, what: string) => {
    await page.evaluate(AXE);
    const result = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>(
      "axe.run({ resultTypes: ['violations'] })",
    );
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect({ what, serious }).toEqual({ what, serious: [] });
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${dialect}-${name}.png`), fullPage: false });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase(dialect);
    ldap = await startOpenLdap({ ldif: consoleDirectoryLdif() });
    server = await ServerProcess.start({
      DATABASE_URL: db.url,
      AUDIT_ADMIN_TOKEN: ADMIN_TOKEN,
      LDAP_URL: ldap.url,
      LDAP_BIND_DN: ldap.readerBindDn,
      LDAP_BIND_PASSWORD: ldap.readerBindPassword,
      LDAP_BASE_DN: ldap.baseDn,
      LDAP_SYNC_INTERVAL_S: '0',
      CONSOLE_GROUP,
    });
    expect((await postJson(`${server.baseUrl}/identity/v1/sync`, {}, adminHeaders())).status).toBe(200);
    const project = await (await postJson(`${server.baseUrl}/admin/v1/project`, { name: 'Other' }, adminHeaders())).json();
    const token = await (await postJson(`${server.baseUrl}/admin/v1/project/${project.id}/token`, { name: 'reader', scope: 'read' }, adminHeaders())).json();
    other = { id: project.id, readToken: token.token };
    const start = Date.now() - 30 * 86_400_000;
    const at = (i: number) => new Date(start + i * 3 * 3_600_000).toISOString();
    // Background activity first (oldest), then John under three names, then Rita before her rename.
    await publish(
      'default',
      Array.from({ length: 120 }, (_, i) => ({
        action: ['report.view', 'settings.update'][i % 2],
        crud: 'r',
        actor: { id: `svc-${i % 4}`, name: `Service ${i % 4}` },
        group: { id: 'acme', name: 'Acme' },
        target: { id: `report-${i % 6}` },
        source_ip: '10.9.9.9',
        created: at(i),
      })),
    );
    await publish('default', [
      {
        action: 'document.read',
        crud: 'r',
        actor: { id: JOHN_ENGINEER.uid },
        target: { id: 'plan', name: 'The plan' },
        source_ip: '10.1.1.1',
        created: at(200),
      },
      {
        action: 'document.delete',
        crud: 'd',
        actor: { id: JOHN_ENGINEER.mail },
        target: { id: 'plan', name: 'The plan' },
        source_ip: '10.1.1.1',
        is_failure: true,
        created: at(201),
      },
      { action: 'document.read', crud: 'r', actor: { id: JOHN_ENGINEER.dn }, target: { id: 'memo', name: 'Memo' }, source_ip: '10.1.1.2', created: at(202) },
      { action: 'deal.close', crud: 'u', actor: { id: JOHN_SALES.uid }, target: { id: JOHN_ENGINEER.mail, name: 'John Smith' }, created: at(203) },
      { action: 'before.rename', crud: 'r', actor: { id: RITA.uid }, created: at(204) },
    ]);
    await ldap.ldapModify(`dn: ${RITA.dn}\nchangetype: modrdn\nnewrdn: uid=rwilson\ndeleteoldrdn: 1\n`);
    expect((await postJson(`${server.baseUrl}/identity/v1/sync`, {}, adminHeaders())).status).toBe(200);
    await publish('default', [{ action: 'after.rename', crud: 'r', actor: { id: 'rwilson' }, created: at(205) }]);
    const publisher = await (await postJson(`${server.baseUrl}/admin/v1/project/${other.id}/token`, { name: 'pub', scope: 'publish' }, adminHeaders())).json();
    const published = await postJson(
      `${server.baseUrl}/publisher/v1/project/${other.id}/event`,
      { action: 'other.project.only', crud: 'r', actor: { id: NED.uid } },
      { authorization: `Bearer ${publisher.token}` },
    );
    expect(published.status).toBe(201);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ldap?.destroy();
    await db?.drop();
  });

  it('lets a member of CONSOLE_GROUP in with directory credentials; a wrong password and a non-member stay out', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/console/`);
    await axe(page, 'sign-in page');
    await shot(page, 'sign-in-1280');
    await signIn(page, ADA.uid, 'wrong password');
    await expect(page.getByRole('alert')).toBeVisibleText('Wrong username or password.');
    await signIn(page, NED.uid, PASSWORD);
    await expect(page.getByRole('alert')).toBeVisibleText(`only members of ${CONSOLE_GROUP} may`);
    await signIn(page, ADA.uid, PASSWORD);
    await expect(page.getByText('Signed in as')).toBeVisibleText(ADA.cn);
    // The session is a cookie scripts cannot read; nothing secret is kept in the page's storage.
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'audit_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toMatch(/audit_console|token/i);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisibleText();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisibleText();
    await context.close();
  });

  it('finds a person from part of a name and shows their events under every name they were logged by, and after a rename', async () => {
    const { context, page } = await signedIn();
    await pick(page, 'John Sm', 'engineering');
    await expect(page.getByRole('heading', { name: 'John Smith' })).toBeVisibleText();
    await expect(total(page)).toBeVisibleText('3 events');
    const logged = await api(`/audit/v1/events?actor=${encodeURIComponent(JOHN_ENGINEER.uid)}`);
    expect(logged.events.map((e: Json) => e.actor.id).sort()).toEqual([JOHN_ENGINEER.uid, JOHN_ENGINEER.mail, JOHN_ENGINEER.dn].sort());
    expect(await rows(page).count()).toBe(3);
    await expect(page.getByText(JOHN_ENGINEER.mail).first()).toBeVisibleText();
    await axe(page, 'person page');
    await shot(page, 'person-1280');
    // Done to him: the deal John of sales closed on his email.
    await page.getByRole('link', { name: 'Done to John Smith' }).click();
    await expect(total(page)).toBeVisibleText('1 event');
    await expect(rows(page).first()).toBeVisibleText('deal.close');
    // Rita, renamed rita → rwilson: one person, both events, the old row saying who she is now.
    await pick(page, 'rita', 'Rita Hayes');
    await expect(page.getByRole('heading', { name: 'Rita Hayes' })).toBeVisibleText();
    await expect(total(page)).toBeVisibleText('2 events');
    await expect(rows(page).filter({ hasText: 'before.rename' })).toBeVisibleText('now rwilson');
    await expect(page.getByText('Former names')).toBeVisibleText();
    await context.close();
  });

  it('shows the histogram and facet counts the API answers, opens an event, and keeps the view in a reloadable link', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.baseUrl}/console/person/${encodeURIComponent(JOHN_ENGINEER.mail)}`);
    await expect(total(page)).toBeVisibleText('3 events');
    const histogram = await api(`/audit/v1/events/histogram?actor=${encodeURIComponent(JOHN_ENGINEER.mail)}&tz_offset=0`);
    expect(histogram.total).toBe(3);
    await page.getByText(/Counts per \w+ as a table/).click();
    const shownCounts = await page.locator('details table tbody tr td:nth-child(2)').allTextContents();
    expect(shownCounts.map(Number)).toEqual(histogram.buckets.map((b: Json) => b.count));
    const facets = await api(`/audit/v1/events/facets?actor=${encodeURIComponent(JOHN_ENGINEER.mail)}`);
    for (const value of facets.facets.action) {
      await expect(page.getByRole('button', { name: `Filter by top actions: ${value.value} ${value.count} events` })).toBeVisibleText();
    }
    // A facet is a filter: the chip, the query bar and the URL agree, a reload keeps it, back undoes it.
    await page.getByRole('button', { name: /Filter by top actions: document.read/ }).click();
    await expect(total(page)).toBeVisibleText('2 events');
    await expect(page.getByRole('button', { name: 'Remove filter action document.read' })).toBeVisibleText();
    expect(new URL(page.url()).searchParams.get('q')).toBe('action:document.read');
    await page.reload();
    await expect(total(page)).toBeVisibleText('2 events');
    expect(await page.getByRole('searchbox').inputValue()).toBe('action:document.read');
    await page.goBack();
    await expect(total(page)).toBeVisibleText('3 events');
    await page.goForward();
    await expect(total(page)).toBeVisibleText('2 events');
    // The event: its attribution and its integrity, and the link to it reopens it.
    await rows(page).filter({ hasText: JOHN_ENGINEER.uid }).first().click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByText('Matched by')).toBeVisibleText();
    await expect(dialog).toBeVisibleText('resolved to a directory person');
    await expect(dialog).toBeVisibleText('not yet sealed');
    await axe(page, 'event detail');
    await shot(page, 'event-1280');
    const deepLink = page.url();
    expect(new URL(deepLink).searchParams.get('event')).toBeTruthy();
    const again = await context.newPage();
    await again.goto(deepLink);
    await expect(again.getByRole('dialog')).toBeVisibleText('Attribution');
    await expect(again.getByRole('button', { name: 'Remove filter action document.read' })).toBeVisibleText();
    await context.close();
  });

  it('downloads exactly the matching rows as CSV', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.baseUrl}/console/?q=${encodeURIComponent('action:settings.update target:report-1')}`);
    const expected = await api('/audit/v1/events?action=settings.update&target=report-1&limit=1000');
    await expect(total(page)).toBeVisibleText(`${expected.events.length} events`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    const header = csv[0].split(',');
    const idColumn = header.indexOf('id');
    expect(idColumn).toBeGreaterThanOrEqual(0);
    expect(
      csv
        .slice(1)
        .map((line) => line.split(',')[idColumn])
        .sort(),
    ).toEqual(expected.events.map((e: Json) => e.id).sort());
    await context.close();
  });

  it('loads more events on scroll and shows every timestamp in the chosen time zone', async () => {
    const { context, page } = await signedIn({ timezoneId: 'Asia/Kolkata' });
    await page.goto(`${server.baseUrl}/console/`);
    await expect(total(page)).toBeVisibleText('126 events');
    await expect(rows(page).first()).toBeVisibleText('UTC');
    expect(await rows(page).count()).toBe(50);
    await page.locator('table.events tbody tr').last().scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 20_000);
    const deadline = Date.now() + 10_000;
    while ((await rows(page).count()) <= 50 && Date.now() < deadline) await page.waitForTimeout(100);
    expect(await rows(page).count()).toBeGreaterThan(50);
    await page.getByLabel('Time zone').selectOption('local');
    await expect(rows(page).first()).toBeVisibleText('+05:30');
    expect(new URL(page.url()).searchParams.get('tz')).toBe('local');
    await shot(page, 'search-1280');
    await page.emulateMedia({ colorScheme: 'dark' });
    await axe(page, 'search page, dark');
    await shot(page, 'search-dark-1280');
    await context.close();
  });

  it('with a read token of one project, never shows another project’s events', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const projects = new Set<string>();
    page.on('response', async (response) => {
      if (!response.url().includes('/audit/v1/events')) return;
      const body = await response.json().catch(() => null);
      for (const event of body?.events ?? []) projects.add(event.project_id);
      projects.add(`requested:${new URL(response.url()).searchParams.get('project')}`);
    });
    await page.goto(`${server.baseUrl}/console/?project=default`);
    await page.getByLabel('API token (read or admin)').fill(other.readToken);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await expect(total(page)).toBeVisibleText('1 event');
    await expect(rows(page).first()).toBeVisibleText('other.project.only');
    const text = (await page.textContent('body')) ?? '';
    for (const word of ['document.read', 'report.view', 'before.rename']) expect(text).not.toContain(word);
    expect([...projects].sort()).toEqual([other.id, `requested:${other.id}`].sort());
    await context.close();
  });

  it('works at 390 px wide', async () => {
    const { context, page } = await signedIn({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.baseUrl}/console/person/${encodeURIComponent(JOHN_ENGINEER.uid)}`);
    await expect(total(page)).toBeVisibleText('3 events');
    // Nothing sticks out sideways (the page never scrolls horizontally).
    const wide = await page.evaluate(
      "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${(e.textContent ?? '').slice(0, 40)}`)",
    );
    expect(wide).toEqual([]);
    await axe(page, 'person page at 390 px');
    await shot(page, 'person-390');
    await rows(page).first().click();
    await expect(page.getByRole('dialog')).toBeVisibleText('Attribution');
    await shot(page, 'event-390');
    await page.goto(`${server.baseUrl}/console/`);
    await expect(total(page)).toBeVisibleText('126 events');
    await shot(page, 'search-390');
    await page.getByRole('combobox', { name: 'Find a person' }).fill('John Sm');
    await page.getByRole('listbox', { name: 'People' }).getByRole('option').first().waitFor();
    await shot(page, 'picker-390');
    await page.goto(`${server.baseUrl}/console/integrity`);
    await expect(page.getByRole('status')).toBeVisibleText('intact');
    await shot(page, 'integrity-390');
    await context.close();
    const signedOut = await newContext({ viewport: { width: 390, height: 844 } });
    const signInPage = await signedOut.newPage();
    await signInPage.goto(`${server.baseUrl}/console/`);
    await expect(signInPage.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisibleText();
    await shot(signInPage, 'sign-in-390');
    await signedOut.close();
  });

  it('verifies the chain of seals on the integrity page', async () => {
    const { context, page } = await signedIn();
    expect((await postJson(`${server.baseUrl}/audit/v1/integrity/seal`, {}, adminHeaders())).status).toBe(200);
    await page.goto(`${server.baseUrl}/console/integrity`);
    await expect(page.getByRole('heading', { name: /Integrity of project/ })).toBeVisibleText();
    const report = await api('/audit/v1/integrity?project=default');
    expect(report.ok).toBe(true);
    await expect(page.getByRole('status')).toBeVisibleText('Every sealed event matches its seal');
    await expect(page.getByText(`${report.sealed_events.toLocaleString('en-US')} (through event ${report.sealed_through_seq})`)).toBeVisibleText();
    await axe(page, 'integrity page');
    await shot(page, 'integrity-1280');
    await page.getByRole('combobox', { name: 'Find a person' }).fill('John Sm');
    await page.getByRole('listbox', { name: 'People' }).getByRole('option').first().waitFor();
    await shot(page, 'picker-1280');
    await context.close();
  });
});
