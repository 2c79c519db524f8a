// The pledge module's API, split by resource: /api/pledges/{templates,campaigns,mine,signatures,public}.
// The figures live at /api/reports/pledges (reports.ts, mounted under /reports in app.ts).
import { Hono } from 'hono';
import type { AppEnv } from '../../context.ts';
import { templateRoutes } from './templates.ts';
import { campaignRoutes } from './campaigns.ts';
import { signingRoutes } from './signing.ts';
import { publicPledgeRoutes } from './public.ts';

export const pledgeRoutes = new Hono<AppEnv>()
  .route('/templates', templateRoutes)
  .route('/campaigns', campaignRoutes)
  .route('/public', publicPledgeRoutes)
  .route('/', signingRoutes);

export { pledgeReportRoutes } from './reports.ts';
