// drift-guard fix on drizzle-kit 1.x folders on embedded Postgres: the cases repair-kit1.test.ts leaves to this file
// (every drift kind but the two variants of BUG-001), so that jest runs them beside it. What each proves: there.
import { EACH_POSTGRES } from './helpers/postgres'
import { KIT1_CASES, describeKit1Repair } from './helpers/repair-kit1'

const [embedded] = EACH_POSTGRES
describeKit1Repair(
  ...embedded,
  KIT1_CASES.filter((c) => !['tenants', 'edited'].includes(c.fixture))
)
