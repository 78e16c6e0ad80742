-- Names by convention (EFCore.NamingConventions, snake_case) instead of hand-written column names: databases created
-- before it get the same names as the model now gives a new database. Each rename runs only where the old name is
-- still there, so a database that is partly renamed (or never had a table) is not an error.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('inbox_messages') AND conname = 'PK_inbox_messages') THEN ALTER TABLE inbox_messages RENAME CONSTRAINT "PK_inbox_messages" TO pk_inbox_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('outbox_messages') AND conname = 'PK_outbox_messages') THEN ALTER TABLE outbox_messages RENAME CONSTRAINT "PK_outbox_messages" TO pk_outbox_messages; END IF;
END $$;
