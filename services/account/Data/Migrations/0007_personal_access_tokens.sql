-- Personal access tokens (Logto's personal_access_tokens): the value is stored only as its SHA-256; a name is unique per
-- user; deleted with their user.
CREATE TABLE IF NOT EXISTS personal_access_tokens (
    user_id character varying(12) NOT NULL CONSTRAINT fk_personal_access_tokens_users_user_id REFERENCES users (id) ON DELETE CASCADE,
    name character varying(256) NOT NULL,
    value_hash bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NULL,
    CONSTRAINT pk_personal_access_tokens PRIMARY KEY (user_id, name)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_personal_access_tokens_value_hash ON personal_access_tokens (value_hash);
