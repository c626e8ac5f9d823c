-- Orders first..last (psql variables): customer u = (i - 1) % 50000 + 1 renews one of its SIMs (20 + u + 50,000 or 100,000), on
-- plan 1 + i % 45, order i placed i × 37 s ago (1,000,000 orders span about 14 months), mostly
-- fulfilled. With many rows the secondary indexes are dropped and built again (faster than row by row).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET session_replication_role = replica;
SET maintenance_work_mem = '256MB';
SELECT bench.drop_indexes('orders') WHERE :last - :first > 50000;
INSERT INTO orders (id, kind, state, user_id, sim_id, plan_version_id, amount_yen, email, culture, idempotency_key,
                    checkout_session_id, payment_intent_id, created_at, paid_at, fulfilled_at, closed_at, refunded_at,
                    previous_expires_at, new_expires_at, payment_method)
SELECT md5('order' || i)::uuid, 'Renewal', st, md5('user' || u)::uuid::text, md5('sim' || (20 + u + 50000 * (1 + i / 50000 % 2)))::uuid,
       sl.version_id, sl.price_yen, 'customer' || u || '@example.com', 'zh-Hans', 'seed-' || i,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN 'cs_seed_' || i END,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN 'pi_seed_' || i END,
       at, CASE WHEN st IN ('Fulfilled', 'Refunded') THEN at + interval '1 minute' END,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN at + interval '1 minute' END,
       CASE WHEN st IN ('Expired', 'Cancelled') THEN at + interval '1 day' END,
       CASE WHEN st = 'Refunded' THEN at + interval '2 days' END,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN at END,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN at + sl.validity_days * interval '1 day' END,
       CASE WHEN st IN ('Fulfilled', 'Refunded') THEN 'card' END
FROM (SELECT i, (i - 1) % 50000 + 1 AS u, now() - i * interval '37 seconds' AS at,
             CASE WHEN i % 100 < 85 THEN 'Fulfilled' WHEN i % 100 < 93 THEN 'Expired' WHEN i % 100 < 97 THEN 'Cancelled' ELSE 'Refunded' END AS st
      FROM generate_series(:first, :last) i) o
JOIN bench.slots sl ON sl.n = 1 + o.i % 45;
SELECT bench.restore_indexes('orders');
