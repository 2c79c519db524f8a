import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/guard';
import { ROSTER_EDITORS } from '$lib/roster';

// The upload, preview and commit run in the browser (fetch + a progress bar over the commit's
// NDJSON stream); the server side only checks the role.
export const load: PageServerLoad = ({ locals }) => {
  requireRole(locals, ...ROSTER_EDITORS);
  return {};
};
