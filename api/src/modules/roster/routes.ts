// Roster routes, one file per resource; app.ts mounts them from here.
export { peopleRoutes } from './people-routes.ts';
export { termRoutes } from './term-routes.ts';
export { postRoutes } from './post-routes.ts';
export { orgRosterRoutes, rosterRoutes, type ImportStreamLine } from './roster-routes.ts';
