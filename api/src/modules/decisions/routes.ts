// 三重一大 decisions: one sub-app per resource, mounted at /api/decisions (meetings, items) and
// /api/reports (statistics). Downloads and the import live in exports.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../../context.ts';
import { meetingRoutes } from './meetings.ts';
import { itemRoutes } from './items.ts';
import { thresholdRoutes } from './thresholds.ts';
import { decisionExportRoutes } from './exports.ts';

export const decisionRoutes = new Hono<AppEnv>().route('/meetings', meetingRoutes).route('/items', itemRoutes).route('/thresholds', thresholdRoutes).route('/', decisionExportRoutes);
export { decisionReportRoutes } from './reports.ts';
