import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/guard';

// Upload, preview and commit run in the browser (the commit streams NDJSON progress); the server side
// only checks the role.
export const load: PageServerLoad = ({ locals }) => {
  requireRole(locals, 'org_office');
  return {};
};
