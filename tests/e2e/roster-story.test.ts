// Issue 3's browser story, on the built single-process server. As the party work office (org_office)
// on a fresh server: download the import template through the page, fill it with exceljs (a file
// with one bad row first: the preview lists the problem and the commit stays disabled), upload it,
// commit with progress, see the roster; open 班子结构分析 and check its figures; download the PDF
// (pdftotext shows the title) and the Excel file. Then the person form (client-side ID hint, the
// server's duplicate refusal next to the field), add and end a post with confirmation. A second
// server with the demo subdistrict must show the reference report's figures.
// Screenshots of every page go to SHOTS_DIR (desktop and phone for the roster and the person form).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, shot, SHOTS_DIR } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const OFFICE_PASSWORD = 'Zuzhi#2026-story';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A valid 18-digit ID number (GB 11643) for a birth date and gender: fictional region 990101. */
function idNumber(birth: string, seq: number, gender: 'male' | 'female'): string {
  let s = seq;
  if ((s % 2 === 1) !== (gender === 'male')) s += 1;
  const first17 = `990101${birth.replaceAll('-', '')}${String(s).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

const PEOPLE = {
  wang: { name: '王建国', gender: 'male', birth: '1972-03-15', political: '中共党员', join: '1995-07-01', edu: '大学专科', id: idNumber('1972-03-15', 11, 'male') },
  li: { name: '李秀英', gender: 'female', birth: '1988-09-02', political: '中共党员', join: '2010-06-01', edu: '大学本科', id: idNumber('1988-09-02', 12, 'female') },
  zhang: { name: '张伟', gender: 'male', birth: '1990-11-20', political: '中共预备党员', join: '2021-01-01', edu: '大学专科', id: idNumber('1990-11-20', 13, 'male') },
  chen: { name: '陈强', gender: 'male', birth: '1965-06-30', political: '中共党员', join: '1990-07-01', edu: '高中', id: idNumber('1965-06-30', 14, 'male') },
} as const;
type Who = keyof typeof PEOPLE;
const PARTY = '党组织委员会';
const RESIDENTS = '村（居）民委员会';
// One row per post: [who, ordinal, election date, committee, position, end date, end reason].
const POSTS: [Who, number, string, string, string, string, string][] = [
  ['chen', 10, '2018-05-10', PARTY, '书记', '2021-05-10', '届满'],
  ['wang', 10, '2018-05-10', RESIDENTS, '主任', '2021-05-10', '届满'],
  ['wang', 11, '2021-05-10', PARTY, '书记', '', ''],
  ['li', 11, '2021-05-10', PARTY, '副书记', '', ''],
  ['wang', 11, '2021-05-10', RESIDENTS, '主任', '', ''],
  ['zhang', 11, '2021-05-10', RESIDENTS, '委员', '', ''],
];

/** Fills the template's roster sheet by its header names; `breakRow` gets a wrong check digit. */
async function fillTemplate(templatePath: string, outPath: string, breakRow?: number) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(templatePath);
  const ws = wb.getWorksheet('花名册');
  if (!ws) throw new Error('template has no 花名册 sheet');
  const col = new Map<string, number>();
  ws.getRow(1).eachCell((cell, n) => col.set(String(cell.value).trim(), n));
  POSTS.forEach(([who, ordinal, election, committee, position, end, reason], i) => {
    const p = PEOPLE[who];
    const row = ws.getRow(i + 2);
    const id = i + 2 === breakRow ? p.id.slice(0, 17) + (p.id[17] === '0' ? '1' : '0') : p.id;
    const values: Record<string, string | number> = {
      '村（社区）': '东风村',
      届次: ordinal,
      换届日期: election,
      姓名: p.name,
      性别: p.gender === 'male' ? '男' : '女',
      公民身份号码: id,
      出生日期: p.birth,
      民族: '汉族',
      政治面貌: p.political,
      入党时间: p.join,
      全日制学历: '高中',
      最高学历: p.edu,
      联系电话: '13800001234',
      退役军人: '否',
      班子: committee,
      职务: position,
      任职开始: election,
      任职结束: end,
      离任原因: reason,
      产生方式: '换届选举',
    };
    for (const [header, value] of Object.entries(values)) {
      const n = col.get(header);
      if (!n) throw new Error(`template has no column ${header}`);
      if (value !== '') row.getCell(n).value = value;
    }
    row.commit();
  });
  await wb.xlsx.writeFile(outPath);
}

describe.skipIf(!chromiumPath)('两委 rosters and structure report in the browser (issue 3)', () => {
  let server: RunningServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;
  let villageId = 0;
  const initialPasswords = { secretary: '', auditor: '' };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'qingfeng-e2e-roster-'));
    // The admin sets up a village and an org_office account through the API (the org tree and
    // user pages have their own story).
    const admin = await browser.newContext({ locale: 'zh-CN' });
    const a = admin.request;
    expect((await a.post(`${server.url}/api/auth/login`, { data: { username: 'admin', password: server.adminPassword } })).ok()).toBe(true);
    const root = ((await (await a.get(`${server.url}/api/orgs`)).json()) as { items: { id: number }[] }).items[0]!;
    for (const name of ['东风村', '红旗村']) {
      const res = await a.post(`${server.url}/api/orgs`, { data: { parentId: root.id, kind: 'village', name } });
      expect(res.status()).toBe(201);
      if (name === '东风村') villageId = ((await res.json()) as { org: { id: number } }).org.id;
    }
    const newUser = async (username: string, displayName: string, role: string, orgUnitId: number) => {
      const res = await a.post(`${server.url}/api/users`, { data: { username, displayName, role, orgUnitId } });
      expect(res.status()).toBe(201);
      return ((await res.json()) as { initialPassword: string }).initialPassword;
    };
    const initial = await newUser('dangjian', '李党建', 'org_office', root.id);
    initialPasswords.secretary = await newUser('dfsj', '东风村书记', 'secretary', villageId);
    initialPasswords.auditor = await newUser('shenji', '审计组', 'auditor', root.id);
    await admin.close();

    ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page = await ctx.newPage();
    await firstLogin(page, 'dangjian', initial, OFFICE_PASSWORD);
  });

  /** Signs in with an initial password and sets a new one (the forced change). */
  async function firstLogin(p: Page, username: string, initial: string, password: string) {
    await p.goto(`${server.url}/login`);
    // Typed before the page is hydrated, a value could be reset: wait until the page is live.
    await p.waitForLoadState('networkidle');
    await p.locator('#username').fill(username);
    await p.locator('#password').fill(initial);
    await p.getByRole('button', { name: '登录' }).click();
    await p.locator('#currentPassword').fill(initial);
    await p.locator('#newPassword').fill(password);
    await p.locator('#confirmPassword').fill(password);
    await p.getByRole('button', { name: '修改密码并继续' }).click();
    await p.getByRole('heading', { name: '首页' }).waitFor();
  }

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function download(p: Page, locator: string, name: string): Promise<{ path: string; bytes: Buffer; suggested: string }> {
    const [dl] = await Promise.all([p.waitForEvent('download'), p.locator(locator).click()]);
    const failure = await dl.failure();
    if (failure) throw new Error(`download failed: ${failure}`);
    const path = join(dir, name);
    await dl.saveAs(path);
    return { path, bytes: readFileSync(path), suggested: dl.suggestedFilename() };
  }

  it('shows the role’s navigation and an empty roster', async () => {
    const nav = await page.locator('nav[aria-label="主导航"]').last().innerText();
    for (const entry of ['两委班子', '人员', '花名册导入', '班子结构分析']) expect(nav).toContain(entry);
    await page.goto(`${server.url}/roster`);
    await page.getByRole('link', { name: '东风村' }).waitFor();
    expect(await page.getByText('无在届班子').count()).toBe(2);
    await shot(page, '3-01-roster-empty');
    await page.goto(`${server.url}/roster/${villageId}`);
    await page.getByText('没有在届的班子').first().waitFor();
    await shot(page, '3-02-village-empty');
  });

  it('downloads the import template, refuses a file with a bad row, and imports the corrected file', async () => {
    await page.goto(`${server.url}/roster-import`);
    await shot(page, '3-03-import');
    const template = await download(page, '[data-testid="template-link"]', 'template.xlsx');
    expect(template.bytes.subarray(0, 2).toString()).toBe('PK');
    expect(template.suggested).toContain('.xlsx');

    // Row 4 (李秀英) gets a wrong check digit: every problem is listed, nothing can be committed.
    const bad = join(dir, 'roster-bad.xlsx');
    await fillTemplate(template.path, bad, 4);
    await page.locator('#file').setInputFiles(bad);
    await page.getByRole('button', { name: '上传并预览' }).click();
    const problems = page.getByTestId('import-problems');
    await problems.waitFor();
    const problemText = await problems.innerText();
    expect(problemText).toContain('公民身份号码');
    expect(problemText).toMatch(/\b4\b/);
    expect(problemText).toContain('校验位');
    expect(await page.getByTestId('commit-import').isDisabled()).toBe(true);
    await shot(page, '3-04-import-problems');

    const good = join(dir, 'roster.xlsx');
    await fillTemplate(template.path, good);
    await page.locator('#file').setInputFiles(good);
    await page.getByRole('button', { name: '上传并预览' }).click();
    await page.getByText('没有发现问题，可以导入').waitFor();
    const preview = await page.getByTestId('import-preview').innerText();
    expect(preview).toContain('新增 4'); // people
    expect(preview).toContain('新增 2'); // terms
    expect(preview).toContain('新增 6'); // posts
    await shot(page, '3-05-import-preview');
    await page.getByTestId('commit-import').click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('import-result').innerText()).toContain('导入成功');
    await shot(page, '3-06-import-done');

    // The same file again changes nothing.
    await page.getByRole('button', { name: '导入另一个文件' }).click();
    await page.locator('#file').setInputFiles(good);
    await page.getByRole('button', { name: '上传并预览' }).click();
    await page.getByText('导入不会改变任何数据').waitFor();
  });

  it('shows the roster in position order with the derived marks, and the previous term', async () => {
    await page.goto(`${server.url}/roster`);
    await page.getByText('第11届 · 3人').waitFor();
    await shot(page, '3-07-roster-tree');
    await page.locator('section[aria-labelledby="tree-title"]').getByRole('link', { name: '东风村' }).click();
    await page.getByRole('heading', { name: '东风村“两委”班子' }).waitFor();
    const party = page.locator('section[aria-labelledby="committee-party"] tbody tr');
    const residents = page.locator('section[aria-labelledby="committee-residents"] tbody tr');
    expect(await party.count()).toBe(2);
    expect(await party.nth(0).innerText()).toMatch(/书记[\s\S]*王建国[\s\S]*一肩挑[\s\S]*交叉任职/);
    expect(await party.nth(1).innerText()).toMatch(/副书记[\s\S]*李秀英/);
    expect(await residents.count()).toBe(2);
    expect(await residents.nth(0).innerText()).toMatch(/主任[\s\S]*王建国/);
    expect(await residents.nth(1).innerText()).toMatch(/委员[\s\S]*张伟/);
    expect(await page.getByTestId('roster-summary').innerText()).toMatch(/3 人[\s\S]*王建国[\s\S]*1 人/);
    await shot(page, '3-08-village-roster');

    // The previous term, through the term selector.
    await page.locator('#term').selectOption({ label: '第10届（换届 2018-05-10，至 2021-05-10）' });
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/term=\d+/);
    await page.getByText('已于 2021-05-10 届满').waitFor();
    expect(await party.nth(0).innerText()).toMatch(/书记[\s\S]*陈强/);
    await shot(page, '3-09-village-previous-term');

    const ctxPhone = await browser.newContext({ locale: 'zh-CN', ...PHONE, storageState: await ctx.storageState() });
    const phone = await ctxPhone.newPage();
    await phone.goto(`${server.url}/roster/${villageId}`);
    await phone.getByRole('heading', { name: '东风村“两委”班子' }).waitFor();
    await shot(phone, '3-10-village-roster-phone');
    await ctxPhone.close();
  });

  it('downloads the roster as PDF and Excel', async () => {
    await page.goto(`${server.url}/roster/${villageId}`);
    const pdf = await download(page, '[data-testid="roster-pdf"]', 'roster.pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' });
    expect(text).toContain('东风村“两委”成员花名册');
    expect(text).toContain('王建国');
    const xlsx = await download(page, '[data-testid="roster-xlsx"]', 'roster-export.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const names: string[] = [];
    wb.getWorksheet('花名册')!.eachRow((row) => names.push(row.values?.toString() ?? ''));
    expect(names.join('\n')).toContain('李秀英');
  });

  it('shows the committee structure report with 本届 / 上届 / ± and the generated sentence', async () => {
    await page.goto(`${server.url}/reports/committee-structure`);
    await page.getByRole('heading', { name: '班子结构分析' }).waitFor();
    const fig = async (key: string) => (await page.locator(`tr[data-figure="${key}"]`).innerText()).replace(/\s+/g, ' ').trim();
    // Current term at its election date 2021-05-10: 王建国 49, 李秀英 32, 张伟 30;
    // previous term at 2018-05-10: 陈强 52, 王建国 46.
    expect(await fig('members')).toMatch(/3 2 ▲ \+1$/);
    expect(await fig('age35OrUnder')).toMatch(/2 0 ▲ \+2$/);
    expect(await fig('female')).toMatch(/1 0 ▲ \+1$/);
    expect(await fig('averageAge')).toMatch(/37\.0 49\.0 ▼ −12\.0$/);
    expect(await fig('collegeOrAbove')).toMatch(/3 1 ▲ \+2$/);
    expect(await fig('dualRoleRatio')).toMatch(/100% 0% ▲ \+100 个百分点$/);
    expect(await fig('crossServing')).toMatch(/1 0 ▲ \+1$/);
    expect(await fig('partyMembers')).toMatch(/3 2 ▲ \+1$/);
    // A drop in the average age is progress: green.
    expect(await page.locator('tr[data-figure="averageAge"] td').last().getAttribute('class')).toContain('emerald');
    const sentence = await page.getByTestId('report-sentence').innerText();
    expect(sentence).toContain('共产生3名村(社区)“两委”成员,其中35岁以下年轻干部2名,女性成员1名,其中女性主职干部0名');
    expect(sentence).toContain('较上届平均年龄下降12岁');
    expect(sentence).toContain('“一肩挑”比例达100%');
    const villageRows = await page.getByTestId('village-table').innerText();
    expect(villageRows).toContain('合计');
    expect(villageRows).toContain('红旗村');
    // Charts are drawn in the browser (SVG renderer).
    await page.locator('figure svg').first().waitFor();
    expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('copy-sentence').click();
    await page.getByText(/已复制|文字已选中/).first().waitFor();
    await shot(page, '3-11-structure-report');
  });

  it('downloads the structure report as PDF (pdftotext shows the title) and as Excel', async () => {
    const pdf = await download(page, '[data-testid="report-pdf"]', 'structure.pdf');
    expect(pdf.bytes.length).toBeGreaterThan(1000);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.suggested).toMatch(/\.pdf$/);
    const text = execFileSync('pdftotext', [pdf.path, '-'], { encoding: 'utf8' });
    expect(text).toContain('“两委”班子结构分析');
    const xlsx = await download(page, '[data-testid="report-xlsx"]', 'structure.xlsx');
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => cells.push(JSON.stringify(row.values))));
    expect(cells.join('\n')).toContain('合计');
  });

  it('checks an ID number as it is typed and shows the server’s duplicate refusal next to the field', async () => {
    const ctxPhone = await browser.newContext({ locale: 'zh-CN', ...PHONE, storageState: await ctx.storageState() });
    const phone = await ctxPhone.newPage();
    try {
      await phone.goto(`${server.url}/people/new?org=${villageId}`);
      // Typed before the page is hydrated, the name could be reset: wait until the page is live.
      await phone.waitForLoadState('networkidle');
      await phone.locator('#name').fill('王建国');
      const wrong = PEOPLE.wang.id.slice(0, 17) + (PEOPLE.wang.id[17] === '0' ? '1' : '0');
      await phone.locator('#idNumber').fill(wrong);
      await phone.locator('#idNumber-error').getByText('校验位不正确').waitFor();
      await phone.locator('#idNumber').fill(PEOPLE.wang.id);
      await phone.getByTestId('id-number-ok').waitFor();
      // Birth date and gender were filled from the number.
      expect(await phone.locator('#birthDate').inputValue()).toBe(PEOPLE.wang.birth);
      expect(await phone.getByLabel('男').isChecked()).toBe(true);
      await phone.locator('#politicalStatus').selectOption({ label: '中共党员' });
      await phone.locator('#educationHighest').selectOption({ label: '大学专科' });
      await shot(phone, '3-12-person-form-phone');
      await phone.getByRole('button', { name: '保存' }).click();
      await phone.locator('#idNumber-error').getByText('该公民身份号码已登记：王建国（东风村）').waitFor();
      await phone.getByRole('link', { name: '查看已登记的人员 ›' }).waitFor();
      await shot(phone, '3-13-person-form-duplicate-phone');
    } finally {
      await ctxPhone.close();
    }
    await page.goto(`${server.url}/people/new`);
    await shot(page, '3-14-person-form');
  });

  it('lists people with search and shows a person with all posts across terms', async () => {
    await page.goto(`${server.url}/people`);
    expect(await page.locator('tbody tr').count()).toBe(4);
    await shot(page, '3-15-people');
    await page.locator('#q').fill('王');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/q=/);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: '王建国' }).click();
    await page.getByRole('heading', { name: '王建国' }).waitFor();
    const posts = page.locator('section[aria-labelledby="posts-title"] tbody tr');
    expect(await posts.count()).toBe(3);
    expect(await posts.last().innerText()).toMatch(/第10届[\s\S]*主任[\s\S]*届满[\s\S]*已离任/);
    expect(await page.locator('section[aria-labelledby="facts-title"]').innerText()).toContain(PEOPLE.wang.id);
    await shot(page, '3-16-person');
    await page.getByRole('link', { name: '编辑信息' }).click();
    await page.locator('#phone').fill('13912345678');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    expect(await page.locator('section[aria-labelledby="facts-title"]').innerText()).toContain('13912345678');
  });

  it('adds a post for an existing person and ends a post after confirmation', async () => {
    await page.goto(`${server.url}/roster/${villageId}`);
    await page.getByRole('link', { name: '新增任职' }).click();
    await page.getByTestId('person-candidates').waitFor();
    await page.getByTestId('person-candidates').getByText('李秀英').click();
    await page.locator('#post').selectOption({ label: `村民委员会 · 副主任` });
    await shot(page, '3-17-post-new');
    await page.getByRole('button', { name: '保存任职' }).click();
    await page.getByText('已新增任职').waitFor();
    const residents = page.locator('section[aria-labelledby="committee-residents"] tbody tr');
    expect(await residents.count()).toBe(3);
    expect(await residents.nth(1).innerText()).toMatch(/副主任[\s\S]*李秀英[\s\S]*交叉任职/);

    // A second secretary is refused with the rule's message.
    await page.getByRole('link', { name: '新增任职' }).click();
    await page.getByTestId('person-candidates').getByText('张伟').click();
    await page.locator('#post').selectOption({ label: `${PARTY} · 书记` });
    await page.getByRole('button', { name: '保存任职' }).click();
    await page.getByText('同一时间只能有一名党组织书记').first().waitFor();
    await shot(page, '3-18-post-refused');

    // A new person created inline with the post.
    await page.goto(`${server.url}/roster/${villageId}`);
    await page.getByRole('link', { name: '新增任职' }).click();
    await page.getByRole('tab', { name: '新建人员' }).click();
    await page.locator('#name').waitFor();
    await page.locator('#name').fill('赵丽');
    await page.locator('#idNumber').fill(idNumber('1995-04-12', 15, 'female'));
    await page.getByTestId('id-number-ok').waitFor();
    await page.locator('#politicalStatus').selectOption({ label: '共青团员' });
    await page.locator('#educationHighest').selectOption({ label: '大学本科' });
    await page.locator('#post').selectOption({ label: `村民委员会 · 委员` });
    await shot(page, '3-18b-post-new-person');
    await page.getByRole('button', { name: '新建人员并保存任职' }).click();
    await page.getByText('已新增任职').waitFor();
    expect(await page.locator('section[aria-labelledby="committee-residents"]').innerText()).toContain('赵丽');

    await page.goto(`${server.url}/roster/${villageId}`);
    await page.getByRole('link', { name: '结束 张伟 的委员任职' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.locator('#endReason').fill('辞职');
    await shot(page, '3-19-end-post-confirm');
    await dialog.getByRole('button', { name: '确定结束' }).click();
    await page.getByText('已结束 张伟 的村民委员会委员任职').waitFor();
    expect(await page.locator('section[aria-labelledby="committee-residents"]').innerText()).not.toContain('张伟');
  });

  it('corrects a post, offers deleting a post ended on its start day, and shows the 任职变动 (issue 10 item 1)', async () => {
    // 赵丽 was added today: ending her post today means it was entered by mistake.
    await page.goto(`${server.url}/roster/${villageId}`);
    await page.getByRole('link', { name: '结束 赵丽 的委员任职' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.locator('#endReason').fill('辞职');
    await dialog.getByRole('button', { name: '确定结束' }).click();
    await dialog.getByText('如系误录，请删除这条任职记录').first().waitFor();
    await shot(page, '10-01-end-on-start-day');
    await dialog.getByTestId('offer-delete').getByRole('link', { name: '删除这条任职记录' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('确定删除 赵丽 的村民委员会委员任职记录').waitFor();
    expect(await confirm.locator('#deleteReason').getAttribute('required')).not.toBeNull(); // a reason is required
    await confirm.locator('#deleteReason').fill('录入错误，此人未当选');
    await shot(page, '10-02-delete-post-confirm');
    await confirm.getByRole('button', { name: '确定删除' }).click();
    await page.getByText('已删除 赵丽 的村民委员会委员任职记录').waitFor();
    expect(await page.locator('section[aria-labelledby="committee-residents"]').innerText()).not.toContain('赵丽');

    // A correction with a reason: 李秀英's 副主任 post started a day later.
    await page.getByRole('link', { name: '更正 李秀英 的副主任任职' }).click();
    await page.getByRole('heading', { name: '更正任职 · 李秀英' }).waitFor();
    const start = await page.locator('#startDate').inputValue();
    const nextDay = new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await page.locator('#startDate').fill(nextDay);
    expect(await page.locator('#reason').getAttribute('required')).not.toBeNull(); // a reason is required
    await page.locator('#reason').fill('录入时日期填错');
    await shot(page, '10-03-post-correction');
    await page.getByRole('button', { name: '保存更正' }).click();
    await page.getByText('已更正 李秀英 的村民委员会副主任任职').waitFor();

    // The village and the person show what changed, with reasons.
    const history = page.getByTestId('post-history');
    const villageHistory = await history.innerText();
    expect(villageHistory).toContain('删除任职记录：村民委员会委员');
    expect(villageHistory).toContain('录入错误，此人未当选');
    expect(villageHistory).toContain(`任职开始 ${start} → ${nextDay}。原因：录入时日期填错`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, '10-04-village-roster-1440');
    await page.getByRole('link', { name: '李秀英' }).first().click();
    await page.getByRole('heading', { name: '李秀英' }).waitFor();
    expect(await page.getByTestId('post-history').innerText()).toContain('更正村民委员会副主任');
    await shot(page, '10-05-person-1440');
    const ctxPhone = await browser.newContext({ locale: 'zh-CN', ...PHONE, storageState: await ctx.storageState() });
    const phone = await ctxPhone.newPage();
    await phone.goto(`${server.url}/roster/${villageId}`);
    await phone.getByTestId('post-history').waitFor();
    await shot(phone, '10-06-village-roster-390');
    await phone.goto(page.url());
    await phone.getByTestId('post-history').waitFor();
    await shot(phone, '10-07-person-390');
    await ctxPhone.close();
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('manages terms', async () => {
    await page.goto(`${server.url}/roster/${villageId}/terms`);
    expect(await page.locator('tbody tr').count()).toBe(2);
    await page.locator('#ordinal').waitFor();
    expect(await page.locator('#ordinal').inputValue()).toBe('12');
    // Creating the next term would end the open one: it must be confirmed.
    await page.getByRole('button', { name: '新建届次' }).click();
    await page.locator('#confirmClose-error').waitFor();
    await shot(page, '3-20-terms');
    // Editing a term: the 10th term's election date moves a day; the list shows it.
    await page.getByRole('link', { name: '编辑第10届' }).click();
    await page.locator('#edit-electionDate').fill('2018-05-09');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('已保存第10届').waitFor();
    expect(await page.locator('tbody tr').nth(1).innerText()).toContain('2018-05-09');
  });

  it('says so when someone saved the record meanwhile, names the change and keeps the input (issue 11 finding 6)', async () => {
    const other = await ctx.newPage();
    for (const p of [page, other]) {
      await p.goto(`${server.url}/roster/${villageId}/terms`);
      await p.getByRole('link', { name: '编辑第10届' }).click();
      await p.locator('#edit-electionDate').waitFor();
    }
    // The other tab saves first.
    await other.locator('#edit-electionDate').fill('2018-05-08');
    await other.getByRole('button', { name: '保存', exact: true }).click();
    await other.getByText('已保存第10届').waitFor();
    await other.close();
    // This tab still holds the version it opened: refused, with the saved value named and the input kept.
    await page.locator('#edit-electionDate').fill('2018-05-07');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('已被他人修改').waitFor();
    expect(await page.getByText('换届日期：现为「2018-05-08」').count()).toBe(1);
    expect(await page.locator('#edit-electionDate').inputValue()).toBe('2018-05-07');
    await shot(page, '3-21-terms-conflict');
    // Saving again now overwrites knowingly.
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('已保存第10届').waitFor();
    expect(await page.locator('tbody tr').nth(1).innerText()).toContain('2018-05-07');
  });

  it('lets a secretary read only the own village, with ID numbers masked', async () => {
    const sec = await browser.newContext({ locale: 'zh-CN', ...PHONE });
    const p = await sec.newPage();
    try {
      await firstLogin(p, 'dfsj', initialPasswords.secretary, 'Dongfeng#2026-sj');
      const nav = await p.locator('nav[aria-label="主导航"]').first().innerText();
      expect(nav).toContain('两委班子');
      expect(nav).not.toContain('花名册导入');
      await p.goto(`${server.url}/roster`);
      await p.waitForURL(new RegExp(`/roster/${villageId}$`));
      await p.getByRole('heading', { name: '东风村“两委”班子' }).waitFor();
      expect(await p.getByRole('link', { name: '新增任职' }).count()).toBe(0);
      expect(await p.getByText('结束任职…').count()).toBe(0);
      expect(await p.getByRole('link', { name: '届次管理' }).count()).toBe(0);
      await shot(p, '3-24-secretary-roster-phone');
      await p.getByRole('link', { name: '王建国' }).first().click();
      await p.getByRole('heading', { name: '王建国' }).waitFor();
      const facts = await p.locator('section[aria-labelledby="facts-title"]').innerText();
      expect(facts).not.toContain(PEOPLE.wang.id);
      expect(facts).toContain(`**************${PEOPLE.wang.id.slice(14)}`);
      expect(await p.getByRole('link', { name: '编辑信息' }).count()).toBe(0);
      expect((await p.goto(`${server.url}/roster-import`))?.status()).toBe(403);
      expect((await p.goto(`${server.url}/people/new`))?.status()).toBe(403);
      // Another village is out of scope: not found, like anything else outside it.
      const other = await p.request.get(`${server.url}/api/orgs/${villageId + 1}/roster`);
      expect(other.status()).toBe(404);
    } finally {
      await sec.close();
    }
  });

  it('lets an auditor read and export but change nothing', async () => {
    const aud = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const p = await aud.newPage();
    try {
      await firstLogin(p, 'shenji', initialPasswords.auditor, 'Shencha#2026-ok');
      await p.goto(`${server.url}/roster/${villageId}`);
      await p.getByRole('heading', { name: '东风村“两委”班子' }).waitFor();
      expect(await p.getByRole('link', { name: '新增任职' }).count()).toBe(0);
      expect(await p.getByText('结束任职…').count()).toBe(0);
      const pdf = await download(p, '[data-testid="roster-pdf"]', 'auditor-roster.pdf');
      expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      await p.goto(`${server.url}/people`);
      expect(await p.getByRole('link', { name: '新增人员' }).count()).toBe(0);
      expect(await p.locator('tbody').innerText()).not.toContain(PEOPLE.li.id);
      await p.goto(`${server.url}/reports/committee-structure`);
      await p.getByTestId('report-pdf').waitFor();
      await shot(p, '3-25-auditor-report');
    } finally {
      await aud.close();
    }
  });

  it('says when a page is out of range, and downloads the whole scope’s office 花名册 in one click (issue 10 items 6, 11, 5)', async () => {
    await page.goto(`${server.url}/people?page=999`);
    await page.getByText('第 999 页超出范围').waitFor();
    await shot(page, '10-08-people-out-of-range');
    await page.getByRole('link', { name: '回到第一页' }).click();
    await page.waitForURL(/\/people$/);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);

    await page.goto(`${server.url}/roster`);
    const pdf = await download(page, '[data-testid="scope-roster-pdf"]', 'scope-roster.pdf');
    const text = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' });
    expect(text).toContain('村（社区）“两委”成员花名册');
    expect(text).toContain('党组织书记、村委会主任');
    expect(text).toMatch(/制表单位：.*制表人：.*审核人：.*日期：/);
    // The watermark (the downloader and the time) is not in the extracted text.
    expect(text).not.toContain('李党建');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf.path, join(dir, 'scope-roster')]);
    const xlsx = await download(page, '[data-testid="scope-roster-xlsx"]', 'scope-roster.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.name).toBe('两委成员花名册');
    const rows: string[] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push(JSON.stringify(row.values)));
    expect(rows.join('\n')).toContain('党组织书记、村委会主任');
    expect(String(wb.getWorksheet('汇总')!.getCell('A2').value)).toContain('统计时点：截至');
  });

  it('shows the audit log in Chinese with names and exports it (issue 10 item 12)', async () => {
    const aud = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const p = await aud.newPage();
    try {
      await p.goto(`${server.url}/login`);
      await p.waitForLoadState('networkidle');
      await p.locator('#username').fill('shenji');
      await p.locator('#password').fill('Shencha#2026-ok');
      await p.getByRole('button', { name: '登录' }).click();
      await p.getByRole('heading', { name: '首页' }).waitFor();
      await p.goto(`${server.url}/audit?kind=post.deleted`);
      const table = p.locator('tbody');
      await table.getByText('删除“赵丽”误录的').waitFor();
      expect(await table.innerText()).toContain('原因：录入错误，此人未当选');
      expect(await table.innerText()).not.toMatch(/sessionId|personId/);
      await p.locator('#actor').selectOption({ label: '李党建（dangjian）' });
      await p.locator('#kind').selectOption({ label: '全部' });
      await p.getByRole('button', { name: '筛选' }).click();
      await p.waitForURL(/actor=\d+/);
      expect(await table.innerText()).toContain('为“李秀英”新增任职');
      await shot(p, '10-09-audit-1440');
      const dl = await download(p, '[data-testid="audit-xlsx"]', 'audit.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(dl.bytes as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('审计日志')!;
      const cells: string[] = [];
      ws.eachRow((row) => cells.push(JSON.stringify(row.values)));
      expect(cells.join('\n')).toContain('李党建');
      // The export is itself in the log.
      await p.goto(`${server.url}/audit?kind=export.downloaded`);
      await table.getByText(/导出.*审计日志 Excel/).first().waitFor();
      await p.setViewportSize({ width: 390, height: 844 });
      await shot(p, '10-10-audit-390');
    } finally {
      await aud.close();
    }
  });

  it('takes the people, roster and report pages at 1440 and 390 px', async () => {
    for (const [width, height, tag] of [[1440, 900, '1440'], [390, 844, '390']] as const) {
      const c = await browser.newContext({ locale: 'zh-CN', viewport: { width, height }, storageState: await ctx.storageState() });
      const p = await c.newPage();
      for (const [path, name] of [['/people', 'people'], ['/roster', 'roster'], [`/roster/${villageId}`, 'village'], ['/reports/committee-structure', 'report']] as const) {
        await p.goto(`${server.url}${path}`);
        await p.waitForLoadState('networkidle');
        await shot(p, `10-11-${name}-${tag}`);
      }
      await c.close();
    }
  });

  it('searches people by pinyin initials, sorts by 姓氏笔画, offers page size and jump, and prints without the frame (issue 10 items 14, 6)', async () => {
    await page.goto(`${server.url}/people?q=wjg`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('王建国');
    await page.goto(`${server.url}/people`);
    await page.locator('[data-testid="people-sort"]').selectOption('stroke');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/sort=stroke/);
    const names = await page.locator('tbody tr td:first-child a').allInnerTexts();
    // 王 4 strokes; 李 and 陈 7, 李 starting with 横 and 陈 with 折.
    expect(names.indexOf('王建国')).toBeLessThan(names.indexOf('李秀英'));
    expect(names.indexOf('李秀英')).toBeLessThan(names.indexOf('陈强'));
    await page.locator('#page-size').selectOption('50');
    await page.waitForURL(/size=50/);
    expect(page.url()).toContain('sort=stroke');
    await shot(page, '10-12-people-stroke-order');
    // Printing: no title bar, navigation, filters or buttons — the list only.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').first().isVisible()).toBe(false);
    expect(await page.locator('nav[aria-label="主导航"]').last().isVisible()).toBe(false);
    expect(await page.locator('main button:visible, main .btn-primary:visible, main .btn-secondary:visible').count()).toBe(0);
    expect(await page.locator('main table').isVisible()).toBe(true);
    await shot(page, '10-13-people-print');
    await page.emulateMedia({ media: 'screen' });

    // The audit log pages on the shared list frame: jump to a page, and a page past the end says so.
    const aud = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const p = await aud.newPage();
    try {
      await p.goto(`${server.url}/login`);
      await p.waitForLoadState('networkidle');
      await p.locator('#username').fill('shenji');
      await p.locator('#password').fill('Shencha#2026-ok');
      await p.getByRole('button', { name: '登录' }).click();
      await p.getByRole('heading', { name: '首页' }).waitFor();
      await p.goto(`${server.url}/audit`);
      await p.locator('#page-jump').fill('2');
      await p.getByRole('button', { name: '跳转' }).click();
      await p.waitForURL(/page=2/);
      await p.goto(`${server.url}/audit?page=999`);
      await p.getByText('第 999 页超出范围').waitFor();
      await p.getByRole('link', { name: '回到第一页' }).click();
      await p.waitForURL(/\/audit$/);
      expect(await p.locator('tbody tr').count()).toBeGreaterThan(0);
    } finally {
      await aud.close();
    }
  });

  it('keeps the app frame on 404 and 403 pages (issue 10 item 14)', async () => {
    const sidebar = page.locator('nav[aria-label="主导航"]').last();
    const missing = await page.goto(`${server.url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('heading', { name: '页面不存在' }).waitFor();
    expect(await sidebar.isVisible()).toBe(true);
    const forbidden = await page.goto(`${server.url}/users`);
    expect(forbidden?.status()).toBe(403);
    await page.getByRole('heading', { name: '没有权限' }).waitFor();
    expect(await sidebar.isVisible()).toBe(true);
    await shot(page, '10-14-forbidden-in-frame');
    const nobody = await page.goto(`${server.url}/people/999999`);
    expect(nobody?.status()).toBe(404);
    expect(await sidebar.isVisible()).toBe(true);
  });

  it('report: the copy button resets, every age label on a phone, long names wrap; 届满, 未录入 and 换届 rounds (issue 10 items 7, 8, 13)', async () => {
    // 届满提醒: 东风村's 11th term began 2021-05-10 with no end entered — five years have passed.
    await page.goto(`${server.url}/roster`);
    const expiry = page.getByTestId('term-expiry');
    await expiry.getByRole('link', { name: '东风村' }).waitFor();
    expect(await expiry.getByRole('link', { name: '东风村' }).getAttribute('href')).toBe(`/roster/${villageId}`);
    await page.goto(`${server.url}/`);
    await page.getByTestId('term-expiry').getByRole('link', { name: '东风村' }).waitFor();

    // The copy button's state belongs to the figures it copied.
    await page.goto(`${server.url}/reports/committee-structure`);
    await page.waitForLoadState('networkidle');
    await page.getByTestId('copy-sentence').click();
    await page.getByRole('button', { name: '已复制 ✓' }).waitFor();
    await page.locator('#asOf').fill('2021-06-01');
    await page.getByRole('button', { name: '统计' }).click();
    await page.waitForURL(/asOf=2021-06-01/);
    expect((await page.getByTestId('copy-sentence').innerText()).trim()).toBe('复制文字');

    // A long village name: the admin adds one.
    const admin = await browser.newContext({ locale: 'zh-CN' });
    const LONG = '东方红旗幸福美丽新农村建设示范村民委员会驻地村';
    try {
      expect((await admin.request.post(`${server.url}/api/auth/login`, { data: { username: 'admin', password: server.adminPassword } })).ok()).toBe(true);
      const root = ((await (await admin.request.get(`${server.url}/api/orgs`)).json()) as { items: { id: number }[] }).items[0]!;
      expect((await admin.request.post(`${server.url}/api/orgs`, { data: { parentId: root.id, kind: 'village', name: LONG } })).status()).toBe(201);
    } finally {
      await admin.close();
    }

    // Phone: all four age bands labelled; the long name wraps and 一肩挑 stays in view.
    const phone = await browser.newContext({ locale: 'zh-CN', ...PHONE, storageState: await ctx.storageState() });
    const ph = await phone.newPage();
    try {
      await ph.goto(`${server.url}/reports/committee-structure`);
      await ph.locator('[data-testid="age-chart"] svg').waitFor();
      await ph.waitForTimeout(500);
      const chartText = (await ph.getByTestId('age-chart').textContent()) ?? '';
      for (const band of ['35岁及以下', '36—45岁', '46—55岁', '56岁及以上']) expect(chartText, band).toContain(band);
      const dualHeader = await ph.getByTestId('village-table').getByRole('columnheader', { name: '一肩挑' }).boundingBox();
      expect(dualHeader!.x + dualHeader!.width).toBeLessThanOrEqual(390);
      const longCell = await ph.getByTestId('village-table').getByRole('rowheader', { name: LONG }).boundingBox();
      expect(longCell!.height).toBeGreaterThan(40);
      await shot(ph, '10-15-report-390-long-name');
      await ph.getByTestId('village-table').screenshot({ path: join(SHOTS_DIR, '10-15b-village-table-390.png') });
      await ph.getByTestId('age-chart').screenshot({ path: join(SHOTS_DIR, '10-15c-age-chart-390.png') });
    } finally {
      await phone.close();
    }
    // PDF: the long name printed whole, wrapped in its cell — never cut with "…".
    await page.goto(`${server.url}/reports/committee-structure`);
    const pdf = await download(page, '[data-testid="report-pdf"]', 'structure-long-name.pdf');
    // -raw keeps the content stream's order: a wrapped cell's lines follow each other.
    const text = execFileSync('pdftotext', ['-raw', pdf.path, '-'], { encoding: 'utf8' });
    expect(text).not.toContain('…');
    expect(text.replace(/\s+/g, '')).toContain(LONG);
    execFileSync('pdftoppm', ['-png', '-r', '70', pdf.path, join(SHOTS_DIR, '10-16-structure-pdf')]);

    // A new 第12届 without posts: 东风村 is 未录入, not counted; the 2021 round can still be reported.
    await page.goto(`${server.url}/roster/${villageId}/terms`);
    // Typed before the page is hydrated, the dates would be reset to the suggested ones.
    await page.waitForLoadState('networkidle');
    // Elected a week ahead (Beijing): after every post the earlier steps entered (one starts tomorrow).
    const electionDay = new Date(Date.now() + (8 + 7 * 24) * 3600_000).toISOString().slice(0, 10);
    await page.locator('#ordinal').fill('12');
    await page.locator('#electionDate').fill(electionDay);
    await page.locator('#startDate').fill(electionDay);
    await page.locator('form[aria-labelledby="create-title"] input[name="confirmClose"]').check();
    await page.getByRole('button', { name: '新建届次' }).click();
    await page.locator('tbody tr').nth(2).or(page.locator('form[aria-labelledby="create-title"] .field-error, form[aria-labelledby="create-title"] [role="alert"]')).first().waitFor();
    await shot(page, '10-16b-new-term');
    expect(await page.locator('tbody tr').count(), await page.locator('form[aria-labelledby="create-title"]').innerText()).toBe(3);
    await page.goto(`${server.url}/reports/committee-structure`);
    await page.getByTestId('not-entered').getByText('东风村（第12届）').waitFor();
    expect(await page.getByTestId('rounds').innerText()).toContain(`${electionDay.slice(0, 4)}年换届：东风村`);
    expect(await page.getByTestId('village-table').count()).toBe(0);
    await page.locator('[data-testid="round-select"]').selectOption('2021');
    await page.getByRole('button', { name: '统计' }).click();
    await page.waitForURL(/round=2021/);
    expect(await page.getByTestId('report-sentence').innerText()).toMatch(/^圆满完成1个村/);
    expect(await page.getByTestId('village-table').innerText()).toContain('第11届 · 2021年');
    await shot(page, '10-17-report-round-2021');
    // The reminder is gone once the new term is entered.
    await page.goto(`${server.url}/roster`);
    expect(await page.getByTestId('term-expiry').count()).toBe(0);
  });
});

describe.skipIf(!chromiumPath)('the demo subdistrict’s structure report (issue 3)', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ env: { QINGFENG_DEMO: '1' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('reproduces the reference figures 104 / 23 / 47 / 5 / 43 / 61 / 100%', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    await page.waitForLoadState('networkidle');
    await page.locator('#username').fill('dangjianban');
    await page.locator('#password').fill('Qingfeng@2021');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '首页' }).waitFor({ timeout: 60_000 });
    await page.goto(`${server.url}/reports/committee-structure`);
    await page.getByRole('heading', { name: '班子结构分析' }).waitFor();
    const current = async (key: string) => (await page.locator(`tr[data-figure="${key}"] td`).first().innerText()).trim();
    expect(await current('members')).toBe('104');
    expect(await current('age35OrUnder')).toBe('23');
    expect(await current('female')).toBe('47');
    expect(await current('femalePrincipals')).toBe('5');
    expect(Math.round(Number(await current('averageAge')))).toBe(43);
    expect(await current('collegeOrAbove')).toBe('61');
    expect(await current('dualRoleRatio')).toBe('100%');
    const sentence = await page.getByTestId('report-sentence').innerText();
    expect(sentence).toContain(
      '共产生104名村(社区)“两委”成员,其中35岁以下年轻干部23名,女性成员47名,其中女性主职干部5名;“两委”成员平均年龄43岁,较上届平均年龄下降5岁;“两委”成员中大专及以上学历61名,较上届新增13名;“一肩挑”比例达100%',
    );
    expect((await page.getByTestId('village-table').locator('tbody tr').count())).toBe(20);
    await page.locator('figure svg').first().waitFor();
    await shot(page, '3-21-demo-structure-report');
    const phone = await browser.newContext({ locale: 'zh-CN', ...PHONE, storageState: await ctx.storageState() });
    const p = await phone.newPage();
    await p.goto(`${server.url}/reports/committee-structure`);
    await p.locator('figure svg').first().waitFor();
    await shot(p, '3-22-demo-structure-report-phone');
    await p.goto(`${server.url}/roster`);
    await shot(p, '3-23-demo-roster-tree-phone');
    await phone.close();
    // A list with its own pager (承诺书统计's records) says when a page is past the end (issue 10 item 6).
    await page.goto(`${server.url}/reports/pledges?year=2021&page=999`);
    await page.getByTestId('page-out-of-range').getByText('第 999 页超出范围').waitFor();
    await page.getByTestId('page-out-of-range').getByRole('link', { name: '回到第一页' }).click();
    await page.waitForURL((u) => !u.searchParams.has('page'));
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await ctx.close();
  });
});
