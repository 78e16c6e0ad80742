-- Back-channel logout deliveries, for databases created before they existed (a new database gets them from the model).
CREATE TABLE IF NOT EXISTS backchannel_logout_deliveries (
    id uuid NOT NULL CONSTRAINT "PK_backchannel_logout_deliveries" PRIMARY KEY,
    client_id character varying(64) NOT NULL,
    uri character varying(2048) NOT NULL,
    logout_token text NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_attempt_at timestamp with time zone NULL,
    last_status_code integer NULL,
    last_error character varying(300) NULL,
    delivered_at timestamp with time zone NULL
);
CREATE INDEX IF NOT EXISTS ix_backchannel_logout_deliveries_pending ON backchannel_logout_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS ix_backchannel_logout_deliveries_client_created_at ON backchannel_logout_deliveries (client_id, created_at);
