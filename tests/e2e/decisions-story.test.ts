// Issue 6's browser story, on the built server with the demo subdistrict. As the party work office:
// open the 2021 statistics (85), record a 党工委会议 with three members and three items, see a flag
// (an ordinary item over the 三重一大 amount), enter opinions in speaking order (reordered with the
// keyboard buttons), votes and outcome, close the item, and download the minutes PDF (pdftotext).
// Then the secretary of 柳河村 on a phone: only the own village, the item in progress and its
// 四议两公开 stepper. Also an attachment through the page (a renamed executable refused). Screenshots at
// 1440 and 390 px go to SHOTS_DIR.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, shot } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const PASSWORD = 'Qingfeng@2021';
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(!chromiumPath)('三重一大 decisions in the browser (issue 6)', () => {
  let server: RunningServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;
  let meetingUrl = '';
  const itemUrls: string[] = [];

  async function login(p: Page, username: string) {
    await p.goto(`${server.url}/login`);
    await p.waitForLoadState('networkidle');
    await p.locator('#username').fill(username);
    await p.locator('#password').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('heading', { name: '首页' }).waitFor();
  }

  /** Both widths of the current page. */
  async function shots(p: Page, name: string) {
    await p.setViewportSize(DESKTOP.viewport);
    await shot(p, `6-${name}-1440`);
    await p.setViewportSize(PHONE.viewport);
    await shot(p, `6-${name}-390`);
    await p.setViewportSize(DESKTOP.viewport);
  }

  beforeAll(async () => {
    server = await startServer({ env: { QINGFENG_DEMO: '1', BODY_SIZE_LIMIT: '21M' } });
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'qingfeng-e2e-decisions-'));
    ctx = await browser.newContext({ locale: 'zh-CN', ...DESKTOP, acceptDownloads: true });
    page = await ctx.newPage();
    await login(page, 'dangjianban');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the 2021 statistics: 集体研究“三重一大”事项85项', async () => {
    const nav = await page.locator('nav[aria-label="主导航"]').last().innerText();
    for (const entry of ['三重一大', '三重一大统计']) expect(nav).toContain(entry);
    await page.goto(`${server.url}/reports/decisions?year=2021`);
    await expect(page.getByTestId('decisions-sentence').innerText()).resolves.toBe('集体研究“三重一大”事项85项');
    await page.locator('figure svg').first().waitFor();
    await shots(page, '01-statistics');
    await page.getByTestId('decisions-sentence').getByRole('link').click();
    await page.getByText('共 85 项').first().waitFor();
  });

  it('records a 党工委会议 with three members and three items', async () => {
    await page.goto(`${server.url}/decisions?year=2021`);
    await page.getByRole('link', { name: '党工委会议' }).first().waitFor();
    await shots(page, '02-meetings');
    await page.goto(`${server.url}/decisions/meetings/new`);
    await page.waitForLoadState('networkidle');
    await page.locator('#orgUnitId').selectOption({ label: '青岚街道' });
    await page.locator('#kind').selectOption({ label: '党工委会议' });
    await page.locator('#heldOn').fill('2026-11-20');
    await page.locator('#heldTime').fill('09:30');
    await page.locator('#place').fill('街道党工委会议室');
    await page.locator('#chair').fill('林志远');
    await page.locator('#recorder').fill('方晓梅');
    await page.getByRole('button', { name: '保存并登记出席' }).click();
    await page.getByRole('heading', { name: '应到人员与出席情况' }).waitFor();
    meetingUrl = page.url();
    const members = [
      ['林志远', '党工委书记'],
      ['何建平', '党工委副书记'],
      ['苏文静', '党工委委员'],
    ];
    for (const [i, [name, title]] of members.entries()) {
      await page.locator(`input[name="name_${i}"]`).fill(name!);
      await page.locator(`input[name="title_${i}"]`).fill(title!);
      await page.locator(`input[name="attendance_${i}"][value="present"]`).check();
    }
    await page.locator('input[name="principal"][value="0"]').check();
    await page.getByRole('button', { name: '保存出席情况' }).click();
    await page.getByText('已保存应到人员和出席情况').waitFor();
    await expect(page.locator('dd').filter({ hasText: '3 / 3' }).count()).resolves.toBe(1);

    const items: [string, string, string][] = [
      ['重大项目安排', '研究街道文化站改造工程', '380000'],
      ['重要干部任免', '研究社区后备干部人选', ''],
      ['一般事项', '研究办公家具采购', '60000'],
    ];
    for (const [category, title, amount] of items) {
      await page.goto(meetingUrl);
      await page.waitForLoadState('networkidle');
      await page.locator('#n-category').selectOption({ label: category });
      await page.locator('#n-title').fill(title);
      if (amount) await page.locator('#n-amount').fill(amount);
      await page.getByRole('button', { name: '新增议题' }).click();
      await page.getByRole('heading', { name: title }).waitFor();
      itemUrls.push(page.url());
    }
    await page.goto(meetingUrl);
    for (const [, title] of items) await page.getByRole('link', { name: title }).waitFor();
    await shots(page, '03-meeting');
  });

  it('shows a flag with its explanation', async () => {
    await page.goto(itemUrls[2]!);
    const flag = page.getByTestId('flag').filter({ hasText: '金额达到三重一大标准' });
    await flag.waitFor();
    expect(await flag.innerText()).toContain('金额60,000.00元，达到三重一大标准50,000.00元');
    await shots(page, '04-item-flag');
  });

  it('enters opinions in speaking order with the keyboard buttons, votes, and closes the item', async () => {
    await page.goto(itemUrls[0]!);
    await page.waitForLoadState('networkidle');
    const rows = page.getByTestId('opinion-row');
    // The principal is offered last; 苏文静 spoke first: move her up with the keyboard button.
    expect(await rows.last().innerText()).toContain('林志远');
    await page.getByRole('button', { name: '苏文静 上移' }).focus();
    await page.keyboard.press('Enter');
    expect(await rows.first().innerText()).toContain('苏文静');
    for (const name of ['林志远', '何建平', '苏文静']) await rows.filter({ hasText: name }).locator('select').selectOption({ label: '同意' });
    await page.getByRole('button', { name: '保存表态顺序' }).click();
    await page.getByText('已保存3人的表态（按发言顺序）').waitFor();
    expect(await page.getByTestId('opinion-row').first().innerText()).toContain('苏文静');
    expect(await page.getByTestId('opinion-row').last().innerText()).toContain('林志远');

    await page.locator('#votingMethod').selectOption({ label: '举手表决' });
    await page.locator('#votesFor').fill('3');
    await page.locator('#votesAgainst').fill('0');
    await page.locator('#votesAbstain').fill('0');
    await page.locator('#outcome').selectOption({ label: '通过' });
    await page.getByRole('button', { name: '保存议题' }).click();
    await page.getByText('已保存议题').waitFor();
    await page.getByText('按已登记的情况，未发现违反议事规则之处。').waitFor();

    await page.getByRole('link', { name: '关闭议题' }).click();
    await page.getByRole('alertdialog').waitFor();
    await shot(page, '6-05-close-confirm-1440');
    await page.getByRole('alertdialog').getByRole('button', { name: '关闭议题' }).click();
    await page.getByText('议题已关闭：出席、表态和表决结果已冻结', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: '保存表态顺序' }).count()).toBe(0);
    await shots(page, '06-item-closed');
  });

  it('downloads the minutes PDF', async () => {
    await page.goto(meetingUrl);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '会议记录 PDF' }).click()]);
    const path = join(dir, 'minutes.pdf');
    await dl.saveAs(path);
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('青岚街道党工委会议记录');
    expect(text).toContain('研究街道文化站改造工程');
    expect(text).toMatch(/3林志远党工委书记同意/);
    expect(text).toContain('金额达到三重一大标准');
    expect(text).toContain('主持人（签字）');
    writeFileSync(join(process.env.QINGFENG_SHOTS_DIR ?? '/tmp/qf-shots', '6-minutes.pdf'), (await import('node:fs')).readFileSync(path));
  });

  it('attaches a minutes scan (type by content: an executable named .pdf is refused)', async () => {
    await page.goto(itemUrls[0]!);
    await page.waitForLoadState('networkidle');
    const fake = join(dir, 'minutes-scan.pdf');
    writeFileSync(fake, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]));
    await page.locator('#file').setInputFiles(fake);
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByText('只能上传 PDF、JPEG 或 PNG 文件').waitFor();
    const real = join(dir, '会议记录扫描件.pdf');
    writeFileSync(real, '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    await page.locator('#file').setInputFiles(real);
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByRole('link', { name: '会议记录扫描件.pdf' }).waitFor();
    await shot(page, '6-09-attachment-1440');
  });

  it('the secretary of 柳河村 sees only the own village, with the item in progress and its steps (phone)', async () => {
    const phone = await browser.newContext({ locale: 'zh-CN', ...PHONE });
    const p = await phone.newPage();
    await login(p, 'cunshuji');
    await p.goto(`${server.url}/decisions`);
    const rows = p.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('柳河村');
    await shot(p, '6-07-secretary-list-390');
    await rows.first().getByRole('link').click();
    await p.getByRole('link', { name: '村主干道太阳能路灯安装' }).click();
    await p.getByRole('heading', { name: '“四议两公开”' }).waitFor();
    await shot(p, '6-08-secretary-item-390');
    // Another org's meeting is not found.
    const res = await p.goto(`${meetingUrl}`);
    expect(res?.status()).toBe(404);
    await phone.close();
  });
});
