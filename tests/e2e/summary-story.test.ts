// Issue 9's browser story, on the built server with the demo subdistrict. As the auditor: open the 2021
// annual summary, read the reference figures in the paragraphs, click 1774 and land on the 29 collective
// talks, then download the Word file and check it is a real .docx with the title. Screenshots at 1440 and
// 390 px go to SHOTS_DIR.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, shot } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const PASSWORD = 'Qingfeng@2021';
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 } };

describe.skipIf(!chromiumPath)('annual summary in the browser (issue 9)', () => {
  let server: RunningServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;

  async function shots(p: Page, name: string) {
    await p.setViewportSize(DESKTOP.viewport);
    await shot(p, `9-${name}-1440`);
    await p.setViewportSize(PHONE.viewport);
    await shot(p, `9-${name}-390`);
    await p.setViewportSize(DESKTOP.viewport);
  }

  beforeAll(async () => {
    server = await startServer({ env: { QINGFENG_DEMO: '1' } });
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'qingfeng-e2e-summary-'));
    ctx = await browser.newContext({ locale: 'zh-CN', ...DESKTOP, acceptDownloads: true });
    page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    await page.waitForLoadState('networkidle');
    await page.locator('#username').fill('shenji');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '首页' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens the 2021 summary with the reference figures', async () => {
    expect(await page.locator('nav[aria-label="主导航"]').last().innerText()).toContain('年度总结');
    await page.goto(`${server.url}/reports/annual-summary?year=2021`);
    const integrity = await page.getByTestId('paragraph-integrity').innerText();
    expect(integrity).toContain('集体谈话29次、1774人次,个别谈话64人次(提醒谈话58次、诫勉谈话2人次、警示谈话4人次)');
    expect(integrity).toContain('31名党员党纪处分(警告20人、严重警告7人、开除党籍4人)');
    expect(await page.getByTestId('paragraph-decisions').innerText()).toContain('“三重一大”事项85项');
    expect(await page.getByTestId('paragraph-pledges').innerText()).toContain('200余份');
    expect(await page.getByTestId('paragraph-committee').innerText()).toContain('共产生104名');
    await shots(page, '01-summary');
  });

  it('clicks 1774 and lands on the 29 collective talks', async () => {
    await page.getByTestId('paragraph-integrity').locator('a[data-figure="collectiveTalkParticipants"]').click();
    await page.waitForURL(/\/discipline\/integrity\/records\?/);
    await page.getByText('共 29 条记录').first().waitFor();
    await shots(page, '02-records');
  });

  it('downloads the Word file', async () => {
    await page.goto(`${server.url}/reports/annual-summary?year=2021`);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-docx').click()]);
    const file = join(dir, 'summary.docx');
    await dl.saveAs(file);
    expect(dl.suggestedFilename()).toMatch(/2021年党风廉政建设情况\.docx$/);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml.replace(/<[^>]+>/g, '')).toContain('集体谈话29次、1774人次');
  });

  it('checks the downloaded PDF in the export centre, without JavaScript and with it', async () => {
    const pdf = await page.request.get(`${server.url}/api/reports/annual-summary.pdf?year=2021`);
    expect(pdf.status()).toBe(200);
    const bytes = await pdf.body();
    const number = pdf.headers()['x-document-number']!;
    const file = { name: 'summary.pdf', mimeType: 'application/pdf', buffer: bytes };
    // No JavaScript: the form posts to the page's action, which asks the API; the answer is a new page.
    const noJs = await browser.newContext({ locale: 'zh-CN', ...DESKTOP, javaScriptEnabled: false, storageState: await ctx.storageState() });
    try {
      const p = await noJs.newPage();
      await p.goto(`${server.url}/exports`);
      const submit = async () => {
        await Promise.all([p.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('?/verify')), p.getByRole('button', { name: '核验', exact: true }).click()]);
        await p.waitForLoadState('load');
        return p.getByTestId('verify-result').innerText();
      };
      await p.locator('input[name="file"]').setInputFiles(file);
      expect(await submit()).toContain(`与登记的文档一致：${number}`);
      await p.locator('input[name="file"]').setInputFiles({ ...file, buffer: Buffer.concat([bytes, Buffer.from('x')]) });
      expect(await submit()).toContain('登记簿中没有这个文件');
      await shots(p, '03-verify-nojs');
    } finally {
      await noJs.close();
    }
    // With JavaScript: the same action, enhanced; the page stays.
    await page.goto(`${server.url}/exports`);
    await page.waitForLoadState('networkidle');
    await page.locator('input[name="file"]').setInputFiles(file);
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await expect.poll(async () => (await page.getByTestId('verify-result').count()) && page.getByTestId('verify-result').innerText()).toContain(`与登记的文档一致：${number}`);
  });
});
