-- OIDC standard profile claims of a user (Logto's users.profile): a JSON object, empty for existing users.
-- (jsonb_build_object() rather than a braces literal: the migrator runs scripts through EF's raw SQL, which reads braces as placeholders.)
ALTER TABLE users ADD COLUMN IF NOT EXISTS profile jsonb NOT NULL DEFAULT jsonb_build_object();
