-- Names by convention (EFCore.NamingConventions, snake_case) instead of hand-written column names: databases created
-- before it get the same names as the model now gives a new database. Each rename runs only where the old name is
-- still there, so a database that is partly renamed (or never had a table) is not an error.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('backchannel_logout_deliveries') AND conname = 'PK_backchannel_logout_deliveries') THEN ALTER TABLE backchannel_logout_deliveries RENAME CONSTRAINT "PK_backchannel_logout_deliveries" TO pk_backchannel_logout_deliveries; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('deliveries') AND conname = 'PK_deliveries') THEN ALTER TABLE deliveries RENAME CONSTRAINT "PK_deliveries" TO pk_deliveries; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('dev_sms_messages') AND conname = 'PK_dev_sms_messages') THEN ALTER TABLE dev_sms_messages RENAME CONSTRAINT "PK_dev_sms_messages" TO pk_dev_sms_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('inbox_messages') AND conname = 'PK_inbox_messages') THEN ALTER TABLE inbox_messages RENAME CONSTRAINT "PK_inbox_messages" TO pk_inbox_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('outbox_messages') AND conname = 'PK_outbox_messages') THEN ALTER TABLE outbox_messages RENAME CONSTRAINT "PK_outbox_messages" TO pk_outbox_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('recipients') AND conname = 'PK_recipients') THEN ALTER TABLE recipients RENAME CONSTRAINT "PK_recipients" TO pk_recipients; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('verification_codes') AND conname = 'PK_verification_codes') THEN ALTER TABLE verification_codes RENAME CONSTRAINT "PK_verification_codes" TO pk_verification_codes; END IF;
END $$;
