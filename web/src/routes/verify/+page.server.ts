import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// /verify?code=XXXX-XXXX-XXXX (the form below) opens the code's page.
export const load: PageServerLoad = ({ url }) => {
  const code = url.searchParams.get('code')?.trim();
  if (code) redirect(303, `/verify/${encodeURIComponent(code)}`);
  return {};
};
