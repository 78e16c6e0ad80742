-- Social and enterprise identities of users (Logto's users.identities and user_sso_identities), issue 12 pt 3.
-- One identity belongs to one user (the unique keys); identities go with their user (ON DELETE CASCADE: deleting a user
-- removes them in the same statement, before UserDeleted is published).
CREATE TABLE IF NOT EXISTS user_identities (
    user_id character varying(12) NOT NULL CONSTRAINT fk_user_identities_users_user_id REFERENCES users (id) ON DELETE CASCADE,
    target character varying(128) NOT NULL,
    identity_id character varying(256) NOT NULL,
    details jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_user_identities PRIMARY KEY (user_id, target)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_user_identities_target_identity_id ON user_identities (target, identity_id);

CREATE TABLE IF NOT EXISTS user_sso_identities (
    id character varying(21) NOT NULL CONSTRAINT pk_user_sso_identities PRIMARY KEY,
    user_id character varying(12) NOT NULL CONSTRAINT fk_user_sso_identities_users_user_id REFERENCES users (id) ON DELETE CASCADE,
    issuer character varying(512) NOT NULL,
    identity_id character varying(256) NOT NULL,
    sso_connector_id character varying(128) NOT NULL,
    detail jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_user_sso_identities_issuer_identity_id ON user_sso_identities (issuer, identity_id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_user_sso_identities_user_id_sso_connector_id ON user_sso_identities (user_id, sso_connector_id);
