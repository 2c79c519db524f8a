// Typed audit event kinds. Details are small, flat, and never contain ID numbers or secrets.
export const AUDIT_EVENT_KINDS = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.lockout': '账号锁定',
  'auth.logout': '退出登录',
  'auth.password_changed': '修改密码',
  'auth.session_revoked': '注销会话',
  'user.created': '创建用户',
  'user.updated': '修改用户',
  'user.disabled': '停用用户',
  'user.enabled': '启用用户',
  'user.password_reset': '重置密码',
  'org.created': '新建组织',
  'org.renamed': '重命名组织',
  'org.moved': '移动组织',
  'org.deactivated': '停用组织',
  'org.activated': '启用组织',
  'setting.updated': '修改设置',
  'person.created': '新增人员',
  'person.updated': '修改人员',
  'term.created': '新增届次',
  'term.updated': '修改届次',
  'post.created': '新增任职',
  'post.ended': '结束任职',
  'post.updated': '修改任职',
  'post.deleted': '删除任职',
  'roster.imported': '导入花名册',
  'export.downloaded': '导出下载',
  'audit.verified': '校验审计链',
} as const;

export type AuditEventKind = keyof typeof AUDIT_EVENT_KINDS;
export const AUDIT_KIND_LIST = Object.keys(AUDIT_EVENT_KINDS) as AuditEventKind[];
