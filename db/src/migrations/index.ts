// Static import map: bundlers cannot follow FileMigrationProvider's directory scan.
import type { Migration } from 'kysely';
import * as foundation from './2026-11-29-001-foundation.ts';
import * as roster from './2026-11-29-002-roster.ts';
import * as personCategory from './2026-12-01-001-person-category.ts';
import * as cacheVersion from './2026-12-02-120-cache-version.ts';
import * as province from './2026-12-02-121-province.ts';
import * as loginThrottle from './2026-12-02-901-login-throttle.ts';
import * as personNameKeys from './2026-12-03-201-person-name-keys.ts';
import * as rowVersion from './2026-12-03-301-row-version.ts';
import * as decisions from './2026-12-01-010-decisions.ts';
import * as discipline from './2026-12-01-020-discipline.ts';
import * as pledges from './2026-12-01-030-pledges.ts';
import * as idNumberCrypt from './2026-12-03-501-id-number-crypt.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-29-001-foundation': foundation,
  '2026-11-29-002-roster': roster,
  '2026-12-01-001-person-category': personCategory,
  '2026-12-01-010-decisions': decisions,
  '2026-12-01-020-discipline': discipline,
  '2026-12-01-030-pledges': pledges,
  '2026-12-02-120-cache-version': cacheVersion,
  '2026-12-02-121-province': province,
  '2026-12-02-901-login-throttle': loginThrottle,
  '2026-12-03-201-person-name-keys': personNameKeys,
  '2026-12-03-301-row-version': rowVersion,
  '2026-12-03-501-id-number-crypt': idNumberCrypt,
};
