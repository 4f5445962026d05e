// db:init — what a new developer runs after db:migrate: seeds a demo organization with its Stripe fields, with the
// project's own driver (postgres.js), on the database in DATABASE_URL. On a database built by the migrations it dies
// with: column "stripe_customer_id" of relation "organizations" does not exist (BUG-001).
import postgres from 'postgres'

const url = process.env.DATABASE_URL
if (!url) {
  console.error('db:init: DATABASE_URL is not set')
  process.exit(1)
}
const sql = postgres(url, { max: 1, onnotice: () => undefined })
try {
  const [organization] = await sql`
    insert into organizations (name, slug, database_name, plan, stripe_customer_id, stripe_subscription_id,
                               subscription_status, current_period_end, logo_url)
    values ('Demo', 'demo', 'tenant_1', 'pro', 'cus_demo', 'sub_demo', 'active', now() + interval '30 days',
            'https://example.com/logo.png')
    returning id`
  console.log(`db:init: organization demo created (${organization.id})`)
} catch (error) {
  console.error(`db:init failed: ${error.message}`)
  process.exitCode = 1
} finally {
  await sql.end()
}
