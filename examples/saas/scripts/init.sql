-- What `db:init` runs on rsm_master after `db:migrate`: seed a demo organization.
-- On a database built by the migrations it fails with:
--   ERROR:  column "logo_url" of relation "organizations" does not exist
INSERT INTO organizations (name, slug, database_name, plan, logo_url, stripe_customer_id, stripe_subscription_id, subscription_status, current_period_end)
VALUES ('Demo', 'demo', 'tenant_1', 'pro', 'https://example.com/logo.png', 'cus_demo', 'sub_demo', 'active', now() + interval '30 days');
