-- Code deliveries are sent after the answer (pending rows drained by CodeDeliveryDispatcher), for databases created before.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS subject character varying(200) NULL;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS text character varying(1000) NULL;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS next_attempt_at timestamp with time zone NULL;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS expires_at timestamp with time zone NULL;
CREATE INDEX IF NOT EXISTS ix_deliveries_pending ON deliveries (next_attempt_at) WHERE status = 'pending';
