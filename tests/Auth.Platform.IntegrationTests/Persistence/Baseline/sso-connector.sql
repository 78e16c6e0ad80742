CREATE TABLE inbox_messages (
    consumer character varying(200) NOT NULL,
    message_id uuid NOT NULL,
    processed_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_inbox_messages" PRIMARY KEY (consumer, message_id)
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
    CONSTRAINT "PK_outbox_messages" PRIMARY KEY (id)
);


CREATE INDEX ix_outbox_pending ON outbox_messages (available_at) WHERE dispatched_at IS NULL;


