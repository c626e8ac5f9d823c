-- The bench's data set, written straight into the schema the portal's EF migrations created.
-- psql variables: admin_email (the account the portal created from Seed:AdminEmail), totp_key (its
-- authenticator key, base32), traveller_email, redeemer_email, webhook_orders (orders awaiting payment, one per
-- prepared checkout session). Orders themselves come from bench.add_orders (sql/orders.sql).
-- Foreign-key triggers are off while loading (session_replication_role): every reference is generated
-- to exist. Secondary indexes are dropped while a big table loads and built again afterwards.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET session_replication_role = replica;
SET maintenance_work_mem = '256MB';

CREATE SCHEMA IF NOT EXISTS bench;

-- ICCID: 89 81 10 + a 12-digit number + the Luhn check digit (19 digits, as EsimRenewal.Core.Sims.Iccid wants).
CREATE OR REPLACE FUNCTION bench.luhn(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT body || ((10 - (sum(CASE WHEN (length(body) - pos) % 2 = 0
                                  THEN (d * 2) / 10 + (d * 2) % 10 ELSE d END) % 10)) % 10)::text
  FROM (SELECT pos, substr(body, pos, 1)::int AS d FROM generate_series(1, length(body)) AS pos) digits
$$;

CREATE OR REPLACE FUNCTION bench.drop_indexes(tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  CREATE TABLE IF NOT EXISTS bench.saved_indexes (tablename text, indexname text, indexdef text);
  FOR r IN SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = tbl
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) LOOP
    INSERT INTO bench.saved_indexes VALUES (tbl, r.indexname, r.indexdef);
    EXECUTE format('DROP INDEX public.%I', r.indexname);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION bench.restore_indexes(tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT indexname, indexdef FROM bench.saved_indexes WHERE tablename = tbl LOOP
    EXECUTE r.indexdef;
  END LOOP;
  DELETE FROM bench.saved_indexes WHERE tablename = tbl;
END $$;

-- 50 plans (45 on sale), each with a past and a current version; five have a price change scheduled.
INSERT INTO plans (id, code, is_active, sort_order, created_at,
                   name_zh_hans, name_ja, name_en, description_zh_hans, description_ja, description_en)
SELECT md5('plan' || i)::uuid,
       format('jp-%sd-%s-%s', days, CASE WHEN gb = 0 THEN 'unlimited' ELSE gb || 'gb' END, i),
       i <= 45, i * 10, now() - interval '400 days',
       format('日本 %s天 %s', days, CASE WHEN gb = 0 THEN '无限流量' ELSE gb || 'GB' END),
       format('日本 %s日間 %s', days, CASE WHEN gb = 0 THEN '無制限' ELSE gb || 'GB' END),
       format('Japan %s days %s', days, CASE WHEN gb = 0 THEN 'unlimited' ELSE gb || 'GB' END),
       'docomo / SoftBank 4G LTE · 5G。高速流量，可续费叠加。',
       'docomo / SoftBank 4G LTE · 5G。高速データ、更新で追加できます。',
       'docomo / SoftBank 4G LTE · 5G. High-speed data; renewals add more.'
FROM (SELECT i, (ARRAY[1, 3, 5, 7, 10, 15, 30, 60, 90, 180])[1 + (i - 1) % 10] AS days,
             (ARRAY[0, 1, 3, 5, 10, 20, 50])[1 + (i - 1) % 7] AS gb
      FROM generate_series(1, 50) i) p;

INSERT INTO plan_versions (id, plan_id, number, price_yen, data_mb, daily_fair_use_mb, validity_days, sim_kinds, created_at, effective_from)
SELECT md5('version' || i || '-' || n)::uuid, md5('plan' || i)::uuid, n,
       days * 90 + gb * 150 + n * 100,
       CASE WHEN gb = 0 THEN NULL ELSE gb * 1024 END,
       CASE WHEN gb = 0 THEN 3072 END,
       days, 'Both', now() - interval '400 days',
       now() + CASE n WHEN 1 THEN interval '-400 days' WHEN 2 THEN interval '-10 days' ELSE interval '30 days' END
FROM (SELECT i, (ARRAY[1, 3, 5, 7, 10, 15, 30, 60, 90, 180])[1 + (i - 1) % 10] AS days,
             (ARRAY[0, 1, 3, 5, 10, 20, 50])[1 + (i - 1) % 7] AS gb
      FROM generate_series(1, 50) i) p
CROSS JOIN generate_series(1, 3) n
WHERE n < 3 OR i <= 5;

-- Plan n's version on sale now (version 2), for the generated orders and SIMs.
CREATE TABLE bench.slots AS
SELECT i AS n, md5('version' || i || '-2')::uuid AS version_id, v.price_yen, v.validity_days
FROM generate_series(1, 50) i JOIN plan_versions v ON v.id = md5('version' || i || '-2')::uuid;

-- Accounts: the bench traveller (whose pages are measured: its 10 SIMs and 200 orders stay as they
-- are), the redeemer (1,000 SIMs the redemptions renew, each adding an order to its history) and 50,000
-- customers, all with the admin's password hash (an Identity
-- V3 hash of the bench password); the admin gets two-factor sign-in with a known authenticator key.
CREATE TABLE bench.accounts AS
SELECT id, password_hash FROM users WHERE normalized_email = upper(:'admin_email');
UPDATE users SET two_factor_enabled = true WHERE normalized_email = upper(:'admin_email');
INSERT INTO user_tokens (user_id, login_provider, name, value)
SELECT id, '[AspNetUserStore]', 'AuthenticatorKey', :'totp_key' FROM bench.accounts;

INSERT INTO users (id, preferred_culture, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                   password_hash, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
SELECT CASE k WHEN 0 THEN md5('traveller')::uuid::text WHEN -1 THEN md5('redeemer')::uuid::text ELSE md5('user' || k)::uuid::text END,
       'zh-Hans', now() - interval '500 days' + k * interval '10 minutes',
       e, upper(e), e, upper(e), true,
       (SELECT password_hash FROM bench.accounts), upper(md5('stamp' || k)), md5('concurrency' || k)::uuid::text, false, false, true, 0
FROM (SELECT k, CASE k WHEN 0 THEN :'traveller_email' WHEN -1 THEN :'redeemer_email' ELSE 'customer' || k || '@example.com' END AS e
      FROM generate_series(-1, 50000) k) u;
INSERT INTO user_roles (user_id, role_id)
SELECT CASE k WHEN 0 THEN md5('traveller')::uuid::text WHEN -1 THEN md5('redeemer')::uuid::text ELSE md5('user' || k)::uuid::text END, r.id
FROM generate_series(-1, 50000) k, roles r WHERE r.normalized_name = 'TRAVELLER';

-- 200,000 SIMs: 1-10 are the traveller's, 11-1010 the redeemer's (it stands for many travellers redeeming at once, each
-- onto their own SIM: concurrent redemptions lock distinct rows, as in real traffic), SIM s > 1010 belongs to customer
-- ((s - 21) % 50000) + 1.
SELECT bench.drop_indexes('sims');
INSERT INTO sims (id, iccid, kind, owner_id, label, activation_code, purchase_email, current_plan_version_id,
                  expires_at, data_left_mb, is_unlimited, renewal_count, created_at, owned_since)
SELECT md5('sim' || s)::uuid,
       bench.luhn('898110' || lpad(s::text, 12, '0')),
       CASE WHEN s % 3 = 0 THEN 'Physical' ELSE 'Esim' END,
       CASE WHEN s <= 10 THEN md5('traveller')::uuid::text WHEN s <= 1010 THEN md5('redeemer')::uuid::text
            ELSE md5('user' || ((s - 21) % 50000 + 1))::uuid::text END,
       CASE WHEN s <= 1010 THEN 'SIM ' || s END,
       CASE WHEN s % 3 <> 0 THEN 'LPA:1$smdp.example$BENCH-' || s END,
       CASE WHEN s <= 10 THEN :'traveller_email' WHEN s <= 1010 THEN :'redeemer_email' ELSE 'customer' || ((s - 21) % 50000 + 1) || '@example.com' END,
       sl.version_id,
       date_trunc('day', now()) + ((s % 60) - 20) * interval '1 day',
       CASE WHEN s % 7 = 0 THEN NULL ELSE 1024 * (s % 20 + 1) END,
       s % 7 = 0, 1 + s % 5,
       now() - (s % 700) * interval '1 day', now() - (s % 700) * interval '1 day'
FROM generate_series(1, 200000) s JOIN bench.slots sl ON sl.n = 1 + s % 45;
SELECT bench.restore_indexes('sims');

-- The orders a webhook will fulfil: renewals of distinct customer SIMs, awaiting payment.
CREATE TABLE bench.webhook_orders AS
SELECT md5('webhook-order' || j)::uuid AS id, 100000 + j AS sim, sl.version_id, sl.price_yen
FROM generate_series(1, :webhook_orders) j JOIN bench.slots sl ON sl.n = 1 + j % 45;
INSERT INTO orders (id, kind, state, user_id, sim_id, plan_version_id, amount_yen, email, culture, idempotency_key, created_at)
SELECT w.id, 'Renewal', 'PendingPayment', md5('user' || ((w.sim - 21) % 50000 + 1))::uuid::text, md5('sim' || w.sim)::uuid,
       w.version_id, w.price_yen, 'customer' || ((w.sim - 21) % 50000 + 1) || '@example.com', 'zh-Hans', 'bench-webhook-' || w.id,
       now() - interval '5 minutes'
FROM bench.webhook_orders w;

-- The traveller's 200 orders (renewals of its 10 SIMs over the past 400 days).
INSERT INTO orders (id, kind, state, user_id, sim_id, plan_version_id, amount_yen, email, culture, idempotency_key,
                    checkout_session_id, payment_intent_id, created_at, paid_at, fulfilled_at, previous_expires_at, new_expires_at, payment_method)
SELECT md5('traveller-order' || j)::uuid, 'Renewal', 'Fulfilled', md5('traveller')::uuid::text, md5('sim' || (1 + j % 10))::uuid,
       sl.version_id, sl.price_yen, :'traveller_email', 'zh-Hans', 'seed-traveller-' || j,
       'cs_seed_traveller_' || j, 'pi_seed_traveller_' || j,
       now() - j * interval '2 days', now() - j * interval '2 days' + interval '1 minute', now() - j * interval '2 days' + interval '1 minute',
       now() - j * interval '2 days', now() - j * interval '2 days' + sl.validity_days * interval '1 day', 'card'
FROM generate_series(1, 200) j JOIN bench.slots sl ON sl.n = 1 + j % 45;

-- 1,000,000 vouchers in 10 active batches of 100,000 for plan 1 (1 day, any SIM). Their code hashes
-- arrive by COPY from the load tool (bench.codes), which knows each serial's code.
INSERT INTO voucher_batches (id, plan_version_id, channel, quantity, expires_at, state, created_by_id, created_at,
                             activated_at, codes_released_at, generated_at, generated_count)
SELECT md5('batch' || b)::uuid, (SELECT version_id FROM bench.slots WHERE n = 1), 'bench', 100000,
       now() + interval '365 days', 'Active', (SELECT id FROM bench.accounts), now() - interval '30 days',
       now() - interval '30 days', now() - interval '30 days', now() - interval '30 days', 100000
FROM generate_series(1, 10) b;
CREATE TABLE bench.codes (serial bigint, code_hash bytea, last4 char(4));
