CREATE TABLE account_center_settings (
    id character varying(16) NOT NULL,
    enabled boolean NOT NULL,
    fields jsonb NOT NULL,
    delete_account_url character varying(2048),
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_account_center_settings PRIMARY KEY (id)
);


CREATE TABLE inbox_messages (
    consumer character varying(200) NOT NULL,
    message_id uuid NOT NULL,
    processed_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_inbox_messages PRIMARY KEY (consumer, message_id)
);


CREATE TABLE outbox_messages (
    id uuid NOT NULL,
    type character varying(256) NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    available_at timestamp with time zone NOT NULL,
    attempts integer NOT NULL,
    last_error text,
    dispatched_at timestamp with time zone,
    CONSTRAINT pk_outbox_messages PRIMARY KEY (id)
);


CREATE TABLE users (
    id character varying(12) NOT NULL,
    username character varying(128),
    primary_email character varying(254),
    primary_email_normalized character varying(254),
    primary_phone character varying(16),
    name character varying(128),
    avatar character varying(2048),
    custom_data jsonb NOT NULL,
    profile jsonb NOT NULL,
    password_hash character varying(256),
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    last_sign_in_at timestamp with time zone,
    is_suspended boolean NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id)
);


CREATE TABLE personal_access_tokens (
    user_id character varying(12) NOT NULL,
    name character varying(256) NOT NULL,
    value_hash bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT pk_personal_access_tokens PRIMARY KEY (user_id, name),
    CONSTRAINT fk_personal_access_tokens_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);


CREATE TABLE user_identities (
    user_id character varying(12) NOT NULL,
    target character varying(128) NOT NULL,
    identity_id character varying(256) NOT NULL,
    details jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_user_identities PRIMARY KEY (user_id, target),
    CONSTRAINT fk_user_identities_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);


CREATE TABLE user_sso_identities (
    id character varying(21) NOT NULL,
    user_id character varying(12) NOT NULL,
    issuer character varying(512) NOT NULL,
    identity_id character varying(256) NOT NULL,
    sso_connector_id character varying(128) NOT NULL,
    detail jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_user_sso_identities PRIMARY KEY (id),
    CONSTRAINT fk_user_sso_identities_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);


CREATE TABLE verification_records (
    id character varying(21) NOT NULL,
    user_id character varying(12) NOT NULL,
    type character varying(32) NOT NULL,
    is_verified boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    identifier_type character varying(8),
    identifier character varying(254),
    template_type character varying(32),
    code_id character varying(64),
    CONSTRAINT pk_verification_records PRIMARY KEY (id),
    CONSTRAINT fk_verification_records_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);


CREATE INDEX ix_outbox_pending ON outbox_messages (available_at) WHERE dispatched_at IS NULL;


CREATE UNIQUE INDEX ux_personal_access_tokens_value_hash ON personal_access_tokens (value_hash);


CREATE UNIQUE INDEX ux_user_identities_target_identity_id ON user_identities (target, identity_id);


CREATE UNIQUE INDEX ux_user_sso_identities_issuer_identity_id ON user_sso_identities (issuer, identity_id);


CREATE UNIQUE INDEX ux_user_sso_identities_user_id_sso_connector_id ON user_sso_identities (user_id, sso_connector_id);


CREATE INDEX ix_users_created_at ON users (created_at);


CREATE UNIQUE INDEX ux_users_primary_email_normalized ON users (primary_email_normalized);


CREATE UNIQUE INDEX ux_users_primary_phone ON users (primary_phone);


CREATE UNIQUE INDEX ux_users_username ON users (username);


CREATE INDEX ix_verification_records_user_id ON verification_records (user_id);


