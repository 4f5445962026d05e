// drift-guard fix on drizzle-kit 1.x folders (docs/repair.md; the cases in helpers/repair-kit1.ts): projects made by
// the real drizzle-kit 1.0.0-rc.5 (__fixtures__/kit1-real-*) are repaired, then (1) drift-guard check reports no
// error, (2) the real 1.x `generate` says "No schema changes", (3) drizzle-orm 1.x's migrator applies the new folder
// to a database migrated with the old ones (rows kept) and to a fresh one, with the same schema, and (4) no existing
// file changed. Every case on the server; on embedded Postgres the two variants of BUG-001 here, the others in
// repair-kit1-embedded.test.ts (a file of their own, run beside this one).
import { EACH_POSTGRES } from './helpers/postgres'
import { KIT1_CASES, describeKit1Repair } from './helpers/repair-kit1'

const [embedded, server] = EACH_POSTGRES
describeKit1Repair(...server, KIT1_CASES)
describeKit1Repair(
  ...embedded,
  KIT1_CASES.filter((c) => ['tenants', 'edited'].includes(c.fixture))
)
