import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { recordAuditEvent, type AuditActor } from './audit/queries.ts';
import { generatePassword, hashPassword } from './auth/tokens.ts';
import { checkPasswordPolicy } from './auth/rules.ts';
import { defaultSettings } from './modules/settings/rules.ts';
import { findRootOrg, insertOrg } from './modules/orgs/queries.ts';
import { DEFAULT_ROOT_NAMES, ORG_KIND_LABELS, ROOT_KINDS } from './modules/orgs/rules.ts';
import type { OrgKind } from '@qingfeng/db';
import { countUsers, insertUser } from './modules/users/queries.ts';
import type { Clock } from './context.ts';

// Any constant; distinct from the audit chain's lock.
const FIRST_START_LOCK = 741_302;

const SYSTEM: AuditActor = { userId: null, username: 'system', displayName: '系统', role: null, ip: null, userAgent: null };

/**
 * On an empty database: the root org unit and the `admin` user. The password comes from
 * QINGFENG_ADMIN_PASSWORD or is generated, printed once, and must be changed at first login.
 */
export async function ensureFirstStart(
  db: Kysely<Database>,
  clock: Clock,
  log: (line: string) => void = console.log,
  env: Record<string, string | undefined> = process.env,
) {
  if ((await countUsers(db)) > 0) return { created: false as const };
  // The deployment's level: a subdistrict (default), a county or a province (issue 12).
  const rootKind = (env.QINGFENG_ORG_KIND || 'subdistrict') as OrgKind;
  if (!ROOT_KINDS.includes(rootKind))
    throw new Error(`QINGFENG_ORG_KIND 须为 ${ROOT_KINDS.map((k) => `${k}（${ORG_KIND_LABELS[k]}）`).join('、')} 之一，收到“${env.QINGFENG_ORG_KIND}”`);
  const fromEnv = env.QINGFENG_ADMIN_PASSWORD;
  const password = fromEnv || generatePassword();
  // A weak password from the environment is accepted for the first login only.
  const weak = fromEnv ? checkPasswordPolicy(fromEnv, { minLength: defaultSettings()['password.minLength'], minClasses: defaultSettings()['password.minClasses'] }, 'admin') : null;
  const passwordHash = await hashPassword(password);
  const now = clock.now();
  const result = await db.transaction().execute(async (trx) => {
    // Two processes starting at once: the lock makes the second wait, then find the admin there.
    await sql`SELECT pg_advisory_xact_lock(${FIRST_START_LOCK})`.execute(trx);
    if ((await countUsers(trx)) > 0) return null;
    // An org tree loaded before any user existed keeps its root; otherwise create one.
    let root = await findRootOrg(trx);
    if (!root) {
      root = await insertOrg(trx, { parentId: null, parentPath: null, kind: rootKind, name: env.QINGFENG_ORG_NAME || DEFAULT_ROOT_NAMES[rootKind]! });
      await recordAuditEvent(trx, SYSTEM, now, { kind: 'org.created', objectType: 'org_unit', objectId: root.id, orgUnitId: root.id, details: { name: root.name, kind: root.kind } });
    }
    const admin = await insertUser(trx, {
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      orgUnitId: root.id,
      personId: null,
      passwordHash,
      mustChangePassword: !fromEnv || weak !== null,
      now,
    });
    await recordAuditEvent(trx, SYSTEM, now, { kind: 'user.created', objectType: 'user', objectId: admin.id, orgUnitId: root.id, details: { username: 'admin', role: 'admin' } });
    return { root, admin };
  });
  if (!result) return { created: false as const };
  if (weak) log(`[qingfeng] QINGFENG_ADMIN_PASSWORD 不符合密码规则（${weak}）：admin 首次登录后须修改密码。`);
  if (!fromEnv) {
    log('────────────────────────────────────────────');
    log(' 清风 Qingfeng：已创建管理员账号（仅显示这一次）');
    log(`   用户名：admin   初始密码：${password}`);
    log('   首次登录后须修改密码。');
    log('────────────────────────────────────────────');
  }
  return { created: true as const, rootOrgId: result.root.id };
}
