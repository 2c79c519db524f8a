// The discipline module's sub-apps, mounted by app.ts.
export { talkRoutes } from './talks.ts';
export { sanctionRoutes } from './sanctions.ts';
export { deskRoutes } from './desk.ts';
export { personDisciplineRoutes } from './people.ts';
export { disciplineReportRoutes } from './reports.ts';
