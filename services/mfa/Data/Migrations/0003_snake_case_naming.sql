-- Names by convention (EFCore.NamingConventions, snake_case) instead of hand-written column names: databases created
-- before it get the same names as the model now gives a new database. Each rename runs only where the old name is
-- still there, so a database that is partly renamed (or never had a table) is not an error.
DO $$
BEGIN
    IF to_regclass('"DataProtectionKeys"') IS NOT NULL THEN ALTER TABLE "DataProtectionKeys" RENAME TO data_protection_keys; END IF;
    IF EXISTS (SELECT FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'data_protection_keys' AND column_name = 'Id') THEN ALTER TABLE data_protection_keys RENAME COLUMN "Id" TO id; END IF;
    IF EXISTS (SELECT FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'data_protection_keys' AND column_name = 'FriendlyName') THEN ALTER TABLE data_protection_keys RENAME COLUMN "FriendlyName" TO friendly_name; END IF;
    IF EXISTS (SELECT FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'data_protection_keys' AND column_name = 'Xml') THEN ALTER TABLE data_protection_keys RENAME COLUMN "Xml" TO xml; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('data_protection_keys') AND conname = 'PK_DataProtectionKeys') THEN ALTER TABLE data_protection_keys RENAME CONSTRAINT "PK_DataProtectionKeys" TO pk_data_protection_keys; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('inbox_messages') AND conname = 'PK_inbox_messages') THEN ALTER TABLE inbox_messages RENAME CONSTRAINT "PK_inbox_messages" TO pk_inbox_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_attempts') AND conname = 'PK_mfa_attempts') THEN ALTER TABLE mfa_attempts RENAME CONSTRAINT "PK_mfa_attempts" TO pk_mfa_attempts; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_challenges') AND conname = 'PK_mfa_challenges') THEN ALTER TABLE mfa_challenges RENAME CONSTRAINT "PK_mfa_challenges" TO pk_mfa_challenges; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_factors') AND conname = 'PK_mfa_factors') THEN ALTER TABLE mfa_factors RENAME CONSTRAINT "PK_mfa_factors" TO pk_mfa_factors; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_user_settings') AND conname = 'PK_mfa_user_settings') THEN ALTER TABLE mfa_user_settings RENAME CONSTRAINT "PK_mfa_user_settings" TO pk_mfa_user_settings; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('outbox_messages') AND conname = 'PK_outbox_messages') THEN ALTER TABLE outbox_messages RENAME CONSTRAINT "PK_outbox_messages" TO pk_outbox_messages; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_backup_codes') AND conname = 'PK_mfa_backup_codes') THEN ALTER TABLE mfa_backup_codes RENAME CONSTRAINT "PK_mfa_backup_codes" TO pk_mfa_backup_codes; END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('mfa_backup_codes') AND conname = 'FK_mfa_backup_codes_mfa_factors_factor_id') THEN ALTER TABLE mfa_backup_codes RENAME CONSTRAINT "FK_mfa_backup_codes_mfa_factors_factor_id" TO fk_mfa_backup_codes_mfa_factors_factor_id; END IF;
    ALTER INDEX IF EXISTS "IX_mfa_backup_codes_factor_id" RENAME TO ix_mfa_backup_codes_factor_id;
END $$;
