import { readFileSync } from 'node:fs';
import { Client } from '@retracedhq/retraced';
import type { Browser, Page } from 'playwright-core';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { ADMIN_TOKEN, adminHeaders, postJson } from './support/test-app';
import './support/browser-matchers';
import { launchChromium } from './support/viewer/chromium';
import { startWidgetPage, WidgetPage } from './support/viewer/widget-page';

type Json = any;

/**
 * The official `@retracedhq/logs-viewer` 2.10.1, unmodified, in real Chromium, against the real
 * server process: what a project's customer sees of their group's log.
 */
describe.each(DIALECTS)('the Retraced logs-viewer widget on %s', (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let projectId: string;
  let apiToken: string;
  let widget: WidgetPage;
  /** Every GraphQL answer the widget received, to check that no other group's event ever arrived. */
  const answers: Json[] = [];

  const open = async (target: WidgetPage = widget): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('response', async (response) => {
      if (response.url().endsWith('/graphql') && response.request().method() === 'POST') answers.push(await response.json().catch(() => null));
    });
    await page.goto(target.url);
    return page;
  };
  const footer = (page: Page) => page.locator('.resultsCount');

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN });
    const admin = async (path: string, body: unknown) => (await postJson(`${server.baseUrl}${path}`, body, adminHeaders())).json();
    projectId = (await admin('/admin/v1/project', { name: 'Acme' })).id;
    // One token, as a Retraced user creates for the client: it publishes, queries and mints viewer tokens.
    apiToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'acme-api', scope: 'publish read' })).token;
    const client = new Client({ apiKey: apiToken, projectId, endpoint: `${server.baseUrl}/auditlog` });
    const edits = Array.from({ length: 25 }, (_, i) => ({
      action: 'doc.edit',
      crud: 'u' as const,
      group: { id: 'g1', name: 'Globex' },
      actor: { id: `u${i % 3}`, name: `Ann ${i}` },
      target: { id: `d${i}`, name: `Doc ${i}` },
    }));
    await client.reportEvents(edits);
    await client.reportEvent({
      action: 'invoice.paid',
      crud: 'c',
      group: { id: 'g1' },
      actor: { id: 'bob', name: 'Bob' },
      target: { id: 'inv7', name: 'Invoice 7' },
      description: 'invoice paid',
    });
    for (let i = 0; i < 3; i++) await client.reportEvent({ action: 'doc.read', crud: 'r', group: { id: 'g1' }, actor: { id: 'reader', name: 'Reader' } });
    await client.reportEvents(
      Array.from({ length: 5 }, (_, i) => ({
        action: 'secret.g2',
        crud: 'c' as const,
        group: { id: 'g2' },
        actor: { id: `m${i}`, name: 'Mallory SECRET' },
        description: 'SECRET-G2',
      })),
    );
    browser = await launchChromium();
    widget = await startWidgetPage({ service: server.baseUrl, projectId, apiToken, groupId: 'g1', actorId: 'ann@globex.example', isAdmin: true });
  });
  afterAll(async () => {
    await browser?.close();
    await widget?.close();
    await server?.stop();
    await db?.drop();
  });

  it('lets the one publish read token query everything back with the official client', async () => {
    const reader = new Client({ apiKey: apiToken, projectId, endpoint: `${server.baseUrl}/auditlog` });
    const connection = await reader.query({ action: 'doc.edit' }, { id: true, action: true, group: { id: true } }, 10);
    const seen = [...connection.currentResults];
    while (connection.hasNextPage()) {
      await connection.nextPage();
      seen.push(...connection.currentResults);
    }
    expect(connection.totalCount).toBe(25);
    expect(new Set(seen.map((e: Json) => e.id)).size).toBe(25);
  });

  it("shows exactly the group's events with their sentences, 20 a page, and pages past 20", async () => {
    const page = await open();
    await expect(footer(page)).toBeVisibleText('1 - 20 of 26');
    // The footer can show before the rows' sentences are rendered: wait for the last of them.
    await expect(page.getByText('performed the action doc.edit on the item').nth(18)).toBeVisibleText();
    expect(await page.getByText('performed the action doc.edit on the item').count()).toBe(19);
    await expect(page.getByText('Bob performed the action invoice.paid on the item Invoice 7.')).toBeVisibleText();
    await page.getByText('Older').click();
    await expect(footer(page)).toBeVisibleText('21 - 26 of 26');
    await expect(page.getByText('performed the action doc.edit on the item').nth(5)).toBeVisibleText();
    expect(await page.getByText('performed the action doc.edit on the item').count()).toBe(6);
    expect(await page.textContent('body')).not.toContain('SECRET');
    await page.close();
  });

  it('filters by text and by crud', async () => {
    const page = await open();
    await expect(footer(page)).toBeVisibleText('of 26');
    await page.getByPlaceholder('Search events').fill('invoice');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(footer(page)).toBeVisibleText('1 - 1 of 1');
    await page.getByPlaceholder('Search events').fill('');
    await page.getByText('Filters').click();
    await page.locator('#readEventType').check({ force: true });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(footer(page)).toBeVisibleText('1 - 20 of 29');
    await page.close();
  });

  it('creates and downloads a CSV export of the current search, the group only', async () => {
    const page = await open();
    await expect(footer(page)).toBeVisibleText('of 26');
    await page.locator('.u-csvExportIcon').click();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByPlaceholder('Release 1.0.0').fill('Globex edits');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Name & Save' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Globex edits.csv');
    const csv = readFileSync(await file.path(), 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toMatch(/^id,seq,created,received,action,crud/);
    expect(csv).toHaveLength(1 + 26);
    expect(csv.slice(1).every((line) => line.includes(',g1,'))).toBe(true);
    expect(csv.join('\n')).not.toContain('SECRET');
    await page.close();
  });

  it('creates and deletes an enterprise token', async () => {
    const page = await open();
    await expect(footer(page)).toBeVisibleText('of 26');
    await page.locator('.u-tokensIcon').click();
    await page.getByRole('button', { name: 'Create new token' }).click();
    await page.getByPlaceholder('Token Name').fill('SIEM connector');
    await page.getByRole('button', { name: 'Create Token' }).click();
    await expect(page.getByText('SIEM connector')).toBeVisibleText();
    const listed = await (
      await fetch(`${server.baseUrl}/publisher/v1/project/${projectId}/group/g1/enterprisetoken`, { headers: { authorization: `token=${apiToken}` } })
    ).json();
    expect(listed.map((t: Json) => t.display_name)).toEqual(['SIEM connector']);
    await page.locator('.u-deleteTokenIcon').click();
    await page.getByRole('button', { name: 'Yes' }).click();
    await expect(page.getByText('You have not created any API tokens')).toBeVisibleText();
    await page.close();
  });

  it("never received another group's event", () => {
    const nodes = answers.flatMap((answer) => answer?.data?.search?.edges ?? []).map((edge: Json) => edge.node);
    expect(nodes.length).toBeGreaterThan(50);
    expect(nodes.filter((node: Json) => node.group?.id !== 'g1')).toEqual([]);
    expect(JSON.stringify(answers)).not.toContain('SECRET');
  });

  it('asks refreshToken when the session expired and carries on', async () => {
    const short = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN, VIEWER_SESSION_TTL_S: '2' });
    const shortWidget = await startWidgetPage({ service: short.baseUrl, projectId, apiToken, groupId: 'g1', actorId: 'ann@globex.example' });
    try {
      const page = await open(shortWidget);
      await expect(footer(page)).toBeVisibleText('of 26');
      expect(await page.evaluate(() => (globalThis as unknown as { refreshes: number }).refreshes)).toBe(0);
      await page.waitForTimeout(2_500);
      await page.getByText('Older').click();
      await page.waitForFunction(() => (globalThis as unknown as { refreshes: number }).refreshes >= 1, undefined, { timeout: 10_000 });
      await expect(footer(page)).toBeVisibleText('21 - 26 of 26');
      await page.close();
    } finally {
      await shortWidget.close();
      await short.stop();
    }
  });
});
