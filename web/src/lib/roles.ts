// Role labels come from the API's rules (one source); the hints are for the home page.
import type { Role } from '@qingfeng/db/schema';
export { ROLE_LABELS, roleOrgProblem } from '@qingfeng/api/rules/users';

export const ROLE_HINTS: Record<Role, string> = {
  admin: '用户、组织架构、届次与系统设置',
  org_office: '花名册、届次、人员、三重一大、承诺书',
  inspector: '谈话、处分、承诺书、廉政档案、资格联审',
  secretary: '仅本村（社区）：查看花名册、四议两公开、签署承诺书',
  auditor: '查阅范围内全部记录、导出、审计日志；不能修改',
};
