-- After COPY into bench.codes: the vouchers themselves (serial s in batch (s - 1) / 100000 + 1).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET session_replication_role = replica;
SET maintenance_work_mem = '256MB';
SELECT bench.drop_indexes('vouchers');
INSERT INTO vouchers (id, batch_id, serial, code_hash, last4, state)
SELECT md5('voucher' || serial)::uuid, md5('batch' || ((serial - 1) / 100000 + 1))::uuid, serial, code_hash, last4, 'Active'
FROM bench.codes;
SELECT bench.restore_indexes('vouchers');
DROP TABLE bench.codes;
