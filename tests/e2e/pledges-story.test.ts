// Issue 8's browser story on the demo server. The party work office (1440 px) opens the pledge pages and
// issues a one-time link for a 柳河村 member without an account; on a phone (390×844) the member opens
// the link, passes the ID-suffix gate, scrolls the text to its end (the pad is disabled before), draws a
// signature with pointer events, signs, and opens the verify page. Then `cunshuji` sees 待签署 on the
// home page and the office sees the campaign move. Screenshots of every page go to SHOTS_DIR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, shot } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const DEMO_PASSWORD = 'Qingfeng@2021';
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function loginAs(page: Page, url: string, username: string) {
  await page.goto(`${url}/login`);
  // Typed before the page is hydrated, a value could be reset: wait until the page is live.
  await page.waitForLoadState('networkidle');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '首页' }).waitFor({ timeout: 60_000 });
}

/** A few cursive strokes drawn with the mouse: pointerdown / pointermove / pointerup on the canvas. */
async function drawSignature(page: Page) {
  const box = (await page.locator('[data-testid="signature-pad"]').boundingBox())!;
  for (let stroke = 0; stroke < 3; stroke++) {
    const x0 = box.x + 30 + stroke * 100;
    const y0 = box.y + box.height / 2;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(x0 + i * 4, y0 + Math.sin(i / 2) * 25, { steps: 2 });
    await page.mouse.up();
  }
}

describe.skipIf(!chromiumPath)('integrity pledges in the browser (issue 8)', () => {
  let server: RunningServer;
  let browser: Browser;
  let campaignUrl = '';

  beforeAll(async () => {
    server = await startServer({ env: { QINGFENG_DEMO: '1' } });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  let signUrl = '';
  let idSuffix = '';
  let signerName = '';

  it('the office sees the campaigns, templates and figures, and issues a signing link', async () => {
    const ctx = await browser.newContext(DESKTOP);
    const page = await ctx.newPage();
    await loginAs(page, server.url, 'dangjianban');
    await page.goto(`${server.url}/pledges`);
    await expect(page.locator('main').innerText()).resolves.toContain('2021年度廉洁自律承诺书签订');
    await shot(page, '8-01-campaigns');
    await page.goto(`${server.url}/pledges/templates`);
    await shot(page, '8-02-templates');
    await page.click('text=廉洁自律承诺书 >> nth=0');
    await page.waitForURL(/\/pledges\/templates\/\d+$/);
    await shot(page, '8-03-template-versions');
    await page.goto(`${server.url}/reports/pledges?year=2021`);
    await expect(page.locator('[data-testid="phrase"]').innerText()).resolves.toBe('200余份');
    await expect(page.locator('[data-testid="pledges-signed"]').innerText()).resolves.toBe('213');
    await shot(page, '8-04-figures-2021');

    // The open campaign, filtered to 柳河村's unsigned signers.
    await page.goto(`${server.url}/pledges`);
    await page.locator('a.card', { hasNotText: '2021' }).first().click();
    await page.waitForURL(/\/pledges\/\d+$/);
    campaignUrl = page.url();
    await page.waitForSelector('[aria-label^="各村（社区）签署进度图"] svg');
    await shot(page, '8-05-campaign-dashboard');
    await page.click('a:has-text("柳河村")');
    await page.waitForURL(/org=\d+/);
    const row = page.locator('tbody tr', { has: page.locator('button:has-text("签发链接")') }).first();
    signerName = (await row.locator('td').first().innerText()).trim();
    await Promise.all([page.waitForURL(/\?\/link|\/pledges\/\d+/), row.locator('button:has-text("签发链接")').click()]);
    signUrl = (await page.locator('[data-testid="issued-url"]').innerText()).trim();
    expect(signUrl).toMatch(/\/sign\/[a-z0-9]{24}$/);
    await page.waitForSelector('[data-testid="issued-link"] img');
    await shot(page, '8-06-link-issued');
    // The office may read the full ID number (roster maintainers); the signer types its last six.
    const people = await page.request.get(`${server.url}/api/people?search=${encodeURIComponent(signerName)}`);
    const list = (await people.json()) as { items: { name: string; id_number: string }[] };
    idSuffix = list.items.find((p) => p.name === signerName)!.id_number.slice(-6);
    await ctx.close();
  }, 180_000);

  it('a member signs on a phone through the link, then opens the verify page', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await page.goto(signUrl.replace(/^https?:\/\/[^/]+/, server.url));
    // Before the gate: nothing about the signer.
    await expect(page.locator('main').innerText()).resolves.not.toContain(signerName);
    await shot(page, '8-10-phone-gate');
    await page.fill('#id-suffix', '000000');
    await page.click('button:has-text("下一步")');
    await expect(page.locator('#id-suffix-error').innerText()).resolves.toContain('还可尝试 4 次');
    await page.fill('#id-suffix', idSuffix.toLowerCase());
    await page.click('button:has-text("下一步")');
    await page.waitForSelector('[data-testid="pledge-text"]');
    await expect(page.locator('[data-testid="pledge-text"]').innerText()).resolves.toContain(signerName);
    await shot(page, '8-11-phone-text');

    // Before scrolling to the end the pad takes no strokes: the confirm button stays disabled.
    await drawSignature(page);
    const confirm = page.locator('button:has-text("确认签署")');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.locator('[data-testid="pledge-text"]').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForSelector('text=已阅读全文');
    await page.locator('[data-testid="signature-pad"]').scrollIntoViewIfNeeded();
    await drawSignature(page);
    await page.check('input[type="checkbox"]');
    await expect(confirm.isDisabled()).resolves.toBe(false);
    await shot(page, '8-12-phone-drawn');
    // Undo removes the last stroke; the rest stays.
    await page.click('button:has-text("撤销一笔")');
    await expect(confirm.isDisabled()).resolves.toBe(false);
    await confirm.click();
    await page.waitForSelector('[data-testid="signed"]');
    const code = (await page.locator('[data-testid="signed"] .font-mono').first().innerText()).trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await shot(page, '8-13-phone-signed');

    await page.click('text=查看核验结果');
    await page.waitForURL(/\/verify\//);
    const result = await page.locator('[data-testid="verify-result"]').innerText();
    expect(result).toContain('记录完整');
    const masked = await page.locator('[data-testid="masked-name"]').innerText();
    expect(masked).toContain('*');
    expect(result).not.toContain(signerName);
    await shot(page, '8-14-phone-verify');
    // An unknown code says so.
    await page.goto(`${server.url}/verify/AAAA-BBBB-CCCC`);
    await page.waitForSelector('[data-testid="verify-unknown"]');
    await ctx.close();
  }, 180_000);

  it('cunshuji sees 待签署 on the home page; the office sees the campaign move', async () => {
    const phone = await browser.newContext(PHONE);
    const p = await phone.newPage();
    await loginAs(p, server.url, 'cunshuji');
    await p.waitForSelector('[data-testid="pending-pledges"]');
    await shot(p, '8-20-phone-home-pending');
    await p.click('text=签署廉洁自律承诺书');
    await p.waitForURL(/\/my-pledges\/\d+$/);
    await shot(p, '8-21-phone-logged-in-signing');
    await phone.close();

    const ctx = await browser.newContext(DESKTOP);
    const page = await ctx.newPage();
    await loginAs(page, server.url, 'dangjianban');
    await page.goto(`${campaignUrl}?status=signed&q=${encodeURIComponent(signerName)}`);
    await expect(page.locator('tbody').last().innerText()).resolves.toContain('已签署');
    await shot(page, '8-22-campaign-after-signing');
    await ctx.close();
  }, 120_000);
});
