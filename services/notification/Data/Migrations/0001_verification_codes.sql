-- Verification codes, the delivery log and the development SMS inbox, for databases created before they existed
-- (a new database gets them from the model directly).
CREATE TABLE IF NOT EXISTS verification_codes (
    id character varying(21) NOT NULL CONSTRAINT "PK_verification_codes" PRIMARY KEY,
    interaction_id character varying(128) NOT NULL,
    purpose character varying(32) NOT NULL,
    channel character varying(8) NOT NULL,
    recipient character varying(254) NOT NULL,
    salt bytea NOT NULL,
    code_hash bytea NOT NULL,
    attempts integer NOT NULL,
    max_attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    consumed_at timestamp with time zone NULL,
    voided_at timestamp with time zone NULL
);
CREATE INDEX IF NOT EXISTS ix_verification_codes_recipient_created_at ON verification_codes (channel, recipient, created_at);
CREATE INDEX IF NOT EXISTS ix_verification_codes_binding ON verification_codes (interaction_id, purpose);
CREATE TABLE IF NOT EXISTS deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT "PK_deliveries" PRIMARY KEY,
    channel character varying(8) NOT NULL,
    recipient character varying(254) NOT NULL,
    purpose character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    error character varying(500) NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE TABLE IF NOT EXISTS dev_sms_messages (
    id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT "PK_dev_sms_messages" PRIMARY KEY,
    "to" character varying(16) NOT NULL,
    text character varying(1000) NOT NULL,
    created_at timestamp with time zone NOT NULL
);
