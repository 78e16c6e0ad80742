-- Security verification records (Logto's verification_records): proof that the user just typed their password or a
-- code, valid 10 minutes. Deleted with their user.
CREATE TABLE IF NOT EXISTS verification_records (
    id character varying(21) NOT NULL CONSTRAINT pk_verification_records PRIMARY KEY,
    user_id character varying(12) NOT NULL CONSTRAINT fk_verification_records_users_user_id REFERENCES users (id) ON DELETE CASCADE,
    type character varying(32) NOT NULL,
    is_verified boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_verification_records_user_id ON verification_records (user_id);
