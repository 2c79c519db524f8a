// Issue 2's browser story, on the built single-process server: the admin signs in, changes the
// password, creates two villages and a secretary for one of them; the secretary signs in with the
// initial password, must change it, and then sees only that village. Screenshots go to SHOTS_DIR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, shot } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN_NEW_PASSWORD = 'Qf-Zhongxin#2026';
const SECRETARY_NEW_PASSWORD = 'Dongfeng#2026-ok';

describe.skipIf(!chromiumPath)('walking skeleton in the browser (issue 2)', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let secretaryPassword = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 860 } });
    page = await admin.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function submitAndWait(p: Page, button: string, text: string) {
    await p.getByRole('button', { name: button, exact: true }).click();
    await p.getByText(text).first().waitFor();
  }

  /** Signs in; resolves once the login page is left, or with the page's error message. */
  async function login(p: Page, username: string, password: string): Promise<string | null> {
    await p.goto(`${server.url}/login`);
    await p.locator('#username').fill(username);
    await p.locator('#password').fill(password);
    await p.getByRole('button', { name: '登录' }).click();
    const message = p.locator('form [role="alert"], .field-error').first();
    const left = p.waitForURL((u) => u.pathname !== '/login').then(() => null);
    const refused = message.waitFor().then(() => message.innerText());
    try {
      return await Promise.race([left, refused]);
    } catch (err) {
      await shot(p, `zz-login-stuck-${username}`);
      throw new Error(`login as ${username} neither left /login nor showed an error (url ${p.url()}).\nServer output:\n${server.output().slice(-3000)}`, { cause: err });
    } finally {
      left.catch(() => {});
      refused.catch(() => {});
    }
  }

  it('sends a visitor to the login page and refuses a wrong password with a Chinese message', async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot(page, '01-login');
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill('wrong-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码错误').waitFor();
    // Empty fields: messages next to the fields, no request needed.
    await page.locator('#username').fill('');
    await page.locator('#password').fill('');
    await page.locator('form').evaluate((f: HTMLFormElement) => f.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#username-error').getByText('请输入用户名').waitFor();
    await shot(page, '02-login-errors');
  });

  it('keeps what was typed before the page script loaded', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    try {
      const p = await ctx.newPage();
      // Hold the app's scripts back so that typing happens on the server-rendered page.
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      await p.route('**/_app/immutable/**', async (route) => {
        await gate;
        await route.continue();
      });
      await p.goto(`${server.url}/login`, { waitUntil: 'commit' });
      await p.locator('#username').fill('someone');
      release();
      await p.waitForLoadState('networkidle');
      await p.waitForTimeout(300);
      expect(await p.locator('#username').inputValue()).toBe('someone');
    } finally {
      await ctx.close();
    }
  });

  it('lets the admin sign in with the keyboard alone', async () => {
    await page.goto(`${server.url}/login`);
    await page.locator('#username').focus();
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.adminPassword);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '首页' }).waitFor();
    const nav = await page.locator('nav[aria-label="主导航"]').last().innerText();
    expect(nav).toContain('用户管理');
    expect(nav).toContain('审计日志');
    await shot(page, '03-home-admin');
  });

  it('changes the admin password on /account, with field errors first', async () => {
    await page.goto(`${server.url}/account`);
    await page.locator('#currentPassword').fill(server.adminPassword);
    await page.locator('#newPassword').fill(ADMIN_NEW_PASSWORD);
    await page.locator('#confirmPassword').fill('something-else');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.locator('#confirmPassword-error').getByText('两次输入的新密码不一致').waitFor();
    await page.locator('#newPassword').fill('short');
    await page.locator('#confirmPassword').fill('short');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.locator('#newPassword-error').getByText('密码至少').waitFor();
    await shot(page, '04-account-errors');
    await page.locator('#currentPassword').fill(server.adminPassword);
    await page.locator('#newPassword').fill(ADMIN_NEW_PASSWORD);
    await page.locator('#confirmPassword').fill(ADMIN_NEW_PASSWORD);
    await submitAndWait(page, '保存新密码', '密码已修改');
    expect(await page.getByText('当前会话').count()).toBe(1);
    await shot(page, '05-account');
  });

  it('creates two villages under the root in the org tree', async () => {
    await page.goto(`${server.url}/orgs`);
    const tree = page.locator('ul[aria-label="组织树"]');
    expect(await tree.locator('li').count()).toBe(1);
    const rootName = (await tree.locator('li a').first().innerText()).split('\n')[0]!.trim();
    for (const name of ['东风村', '红旗村']) {
      await tree.locator('li a').first().click();
      await page.locator('#create-name').waitFor();
      await page.getByLabel('村', { exact: true }).check();
      await page.locator('#create-name').fill(name);
      await submitAndWait(page, '新建', `已新建“${name}”`);
    }
    expect(await tree.locator('li').count()).toBe(3);
    expect(await tree.innerText()).toContain(rootName);
    await shot(page, '06-orgs-admin');
  });

  it('asks for confirmation before deactivating an org', async () => {
    const tree = page.locator('ul[aria-label="组织树"]');
    await tree.getByText('红旗村').click();
    await page.getByRole('link', { name: '停用该组织…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await shot(page, '07-orgs-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await tree.innerText()).not.toContain('已停用');
  });

  it('creates a secretary for 东风村 and shows the initial password once', async () => {
    await page.goto(`${server.url}/users/new`);
    await page.getByRole('button', { name: '创建用户' }).click();
    // The browser's own required-field check stops an empty form first; remove it to see ours.
    await page.locator('main form').evaluate((f: HTMLFormElement) => f.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.locator('#username-error').getByText('请输入用户名').waitFor();
    await page.locator('#role-error').getByText('请选择角色').waitFor();
    await shot(page, '08-user-new-errors');
    await page.locator('#username').fill('dongfeng_sj');
    await page.locator('#displayName').fill('王书记');
    await page.locator('#role').selectOption('secretary');
    await page.locator('#orgUnitId').selectOption({ label: '　东风村（村）' });
    await page.getByRole('button', { name: '创建用户' }).click();
    const pw = page.getByTestId('initial-password');
    await pw.waitFor();
    secretaryPassword = (await pw.innerText()).trim();
    expect(secretaryPassword.length).toBeGreaterThanOrEqual(10);
    await shot(page, '09-user-created');
  });

  it('lists the users with search', async () => {
    await page.goto(`${server.url}/users?q=dongfeng`);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('待改初始密码');
    await page.goto(`${server.url}/users`);
    expect(await page.locator('tbody tr').count()).toBe(2);
    await shot(page, '10-users');
  });

  it('logs the admin out', async () => {
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByText('您已安全退出').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${server.url}/users`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('forces the secretary to change the initial password, then shows only 东风村', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await ctx.newPage();
    try {
      expect(await login(p, 'dongfeng_sj', secretaryPassword), `login with initial password ${JSON.stringify(secretaryPassword)}`).toBeNull();
      await p.getByRole('heading', { name: '请修改初始密码' }).waitFor();
      expect(new URL(p.url()).pathname).toBe('/change-password');
      // Every other page sends the user back here until the password is changed.
      await p.goto(`${server.url}/orgs`);
      expect(new URL(p.url()).pathname).toBe('/change-password');
      await shot(p, '11-change-password-phone');
      await p.locator('#currentPassword').fill(secretaryPassword);
      await p.locator('#newPassword').fill(SECRETARY_NEW_PASSWORD);
      await p.locator('#confirmPassword').fill(SECRETARY_NEW_PASSWORD);
      await p.getByRole('button', { name: '修改密码并继续' }).click();
      await p.getByText('密码已修改').first().waitFor();
      await shot(p, '12-home-secretary-phone');

      const nav = await p.locator('nav[aria-label="主导航"]').first().innerText();
      expect(nav).toContain('组织架构');
      expect(nav).not.toContain('用户管理');
      expect(nav).not.toContain('审计日志');

      await p.goto(`${server.url}/orgs`);
      const tree = p.locator('ul[aria-label="组织树"]');
      const text = await tree.innerText();
      expect(await tree.locator('li').count()).toBe(1);
      expect(text).toContain('东风村');
      expect(text).not.toContain('红旗村');
      expect(text).not.toContain('街道');
      await shot(p, '13-orgs-secretary-phone');

      // Pages outside the role answer 403, and the API agrees.
      const res = await p.goto(`${server.url}/users`);
      expect(res?.status()).toBe(403);
      const api = await p.request.get(`${server.url}/api/users`);
      expect(api.status()).toBe(403);
    } finally {
      await ctx.close();
    }
  });

  it('verifies the audit chain and filters the audit log', async () => {
    expect(await login(page, 'admin', ADMIN_NEW_PASSWORD)).toBeNull();
    await page.getByRole('heading', { name: '首页' }).waitFor();
    await page.goto(`${server.url}/audit`);
    await page.getByRole('button', { name: '校验审计链' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/审计链完整：共 \d+ 条记录/);
    await shot(page, '14-audit');
    await page.locator('#kind').selectOption({ label: '登录失败' });
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/kind=auth.login_failed/);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('登录失败');
  });

  it('manages a user: edit, reset the password and disable only after confirming', async () => {
    await page.goto(`${server.url}/users`);
    await page.getByRole('link', { name: '管理用户 dongfeng_sj' }).click();
    await page.getByRole('heading', { name: '用户：王书记' }).waitFor();
    await page.locator('#displayName').fill('王建国');
    await submitAndWait(page, '保存', '已保存');
    await page.getByRole('heading', { name: '用户：王建国' }).waitFor();
    await shot(page, '15-user-detail');

    await page.getByRole('link', { name: '重置密码…' }).click();
    await page.getByRole('alertdialog').waitFor();
    await page.getByRole('button', { name: '确定重置' }).click();
    const pw = page.getByTestId('initial-password');
    await pw.waitFor();
    const resetPassword = (await pw.innerText()).trim();
    expect(resetPassword).not.toBe(secretaryPassword);
    await shot(page, '16-user-reset');
    await page.getByRole('link', { name: '完成' }).click();
    await pw.waitFor({ state: 'detached' });

    await page.getByRole('link', { name: '停用账号…' }).click();
    await page.getByRole('alertdialog').waitFor();
    await shot(page, '17-user-disable-confirm');
    await page.getByRole('button', { name: '确定停用' }).click();
    await page.getByText('已停用该账号').waitFor();
    expect(await page.locator('main').innerText()).toContain('已停用');

    const ctx = await browser.newContext({ locale: 'zh-CN' });
    try {
      const p = await ctx.newPage();
      expect(await login(p, 'dongfeng_sj', resetPassword)).toBe('账号已停用，请联系系统管理员');
    } finally {
      await ctx.close();
    }

    await page.getByRole('button', { name: '启用账号' }).click();
    await page.getByText('已启用该账号').waitFor();
  });

  it('changes a security setting, refusing an out-of-range value next to its field', async () => {
    await page.goto(`${server.url}/settings`);
    await page.locator('[id="password.minLength"]').fill('7');
    await page.getByRole('button', { name: '保存设置' }).click();
    await page.locator('[id="password.minLength-error"]').getByText('不能小于 8').waitFor();
    await shot(page, '20-settings-error');
    await page.locator('[id="password.minLength"]').fill('10');
    await page.locator('[id="session.inactivityMinutes"]').fill('90');
    await submitAndWait(page, '保存设置', '已保存 1 项设置');
    expect(await page.locator('[id="session.inactivityMinutes"]').inputValue()).toBe('90');
  });

  it('lays the lists out for a phone', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const p = await ctx.newPage();
      expect(await login(p, 'admin', ADMIN_NEW_PASSWORD)).toBeNull();
      await p.getByRole('heading', { name: '首页' }).waitFor();
      for (const [path, name] of [['/users', '21-users-phone'], ['/audit', '22-audit-phone'], ['/orgs?org=1', '23-orgs-phone'], ['/account', '24-account-phone']] as const) {
        await p.goto(`${server.url}${path}`);
        await shot(p, name);
        // Nothing may stick out sideways: the page must not scroll horizontally.
        const wide = await p.evaluate(() => {
          const limit = document.documentElement.clientWidth;
          const culprits = [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.overflow-x-auto'))
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join('.')}`);
          return { overflow: document.documentElement.scrollWidth - limit, culprits: culprits.slice(0, 5) };
        });
        expect(wide, path).toEqual({ overflow: 0, culprits: [] });
      }
      // /account is open on the phone: revoke the desktop session from here.
      const other = p.locator('li', { hasNotText: '当前会话' }).filter({ has: p.getByRole('button', { name: /^注销会话/ }) });
      expect(await other.count()).toBe(1);
      await other.getByRole('button').click();
      await p.getByText('已注销该会话').waitFor();
      await page.goto(`${server.url}/account`);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await login(page, 'admin', ADMIN_NEW_PASSWORD)).toBeNull();
    } finally {
      await ctx.close();
    }
  });

  it('shows empty states and refuses pages outside the role', async () => {
    await page.goto(`${server.url}/users?q=nobody-here`);
    await page.getByText('没有找到匹配“nobody-here”的用户').waitFor();
    await shot(page, '18-users-empty');
    await page.goto(`${server.url}/audit?from=2099-01-01`);
    await page.getByText('没有符合筛选条件的记录').waitFor();
    await page.goto(`${server.url}/audit?from=2026-12-02&to=2026-12-01`);
    await page.locator('#to-error').getByText('结束日期不能早于开始日期').waitFor();
    const res = await page.goto(`${server.url}/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { name: '页面不存在' }).waitFor();
    await shot(page, '19-not-found');
  });
});
