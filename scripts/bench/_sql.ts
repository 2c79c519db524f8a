// scratch: print compiled SQL (temporary)
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, DummyDriver } from 'kysely';
import { compileCommitteeStructureQuery } from '../../api/src/modules/reports/queries.ts';
const db = new Kysely<any>({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (d) => new PostgresIntrospector(d), createQueryCompiler: () => new PostgresQueryCompiler() } });
const c = compileCommitteeStructureQuery(db, { orgPath: process.argv[2] ?? '/1/', asOf: '2024-06-30' });
console.log(c.sql, '\n-- params', JSON.stringify(c.parameters));
