CREATE TABLE backchannel_logout_deliveries (
    id uuid NOT NULL,
    client_id character varying(64) NOT NULL,
    uri character varying(2048) NOT NULL,
    logout_token text,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_attempt_at timestamp with time zone,
    last_status_code integer,
    last_error character varying(300),
    delivered_at timestamp with time zone,
    CONSTRAINT pk_backchannel_logout_deliveries PRIMARY KEY (id)
);


CREATE TABLE deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY,
    channel character varying(8) NOT NULL,
    recipient character varying(254) NOT NULL,
    purpose character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    error character varying(500),
    created_at timestamp with time zone NOT NULL,
    subject character varying(200),
    text character varying(1000),
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone,
    expires_at timestamp with time zone,
    CONSTRAINT pk_deliveries PRIMARY KEY (id)
);


CREATE TABLE dev_sms_messages (
    id bigint GENERATED ALWAYS AS IDENTITY,
    "to" character varying(16) NOT NULL,
    text character varying(1000) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_dev_sms_messages PRIMARY KEY (id)
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


CREATE TABLE recipients (
    user_id character varying(12) NOT NULL,
    email character varying(254),
    phone character varying(16),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_recipients PRIMARY KEY (user_id)
);


CREATE TABLE verification_codes (
    id character varying(21) NOT NULL,
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
    consumed_at timestamp with time zone,
    voided_at timestamp with time zone,
    CONSTRAINT pk_verification_codes PRIMARY KEY (id)
);


CREATE INDEX ix_backchannel_logout_deliveries_client_created_at ON backchannel_logout_deliveries (client_id, created_at);


CREATE INDEX ix_backchannel_logout_deliveries_pending ON backchannel_logout_deliveries (next_attempt_at) WHERE status = 'pending';


CREATE INDEX ix_deliveries_pending ON deliveries (next_attempt_at) WHERE status = 'pending';


CREATE INDEX ix_outbox_pending ON outbox_messages (available_at) WHERE dispatched_at IS NULL;


CREATE INDEX ix_verification_codes_binding ON verification_codes (interaction_id, purpose);


CREATE INDEX ix_verification_codes_recipient_created_at ON verification_codes (channel, recipient, created_at);


