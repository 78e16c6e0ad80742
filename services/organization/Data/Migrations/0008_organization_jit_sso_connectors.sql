-- Just-in-time provisioning by enterprise SSO connector (Logto §13). A new database gets the same table from the model.
CREATE TABLE organization_jit_sso_connectors (
    organization_id character varying(12) NOT NULL,
    sso_connector_id character varying(128) NOT NULL,
    CONSTRAINT pk_organization_jit_sso_connectors PRIMARY KEY (organization_id, sso_connector_id),
    CONSTRAINT fk_organization_jit_sso_connectors_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_jit_sso_connectors_sso_connector_id ON organization_jit_sso_connectors (sso_connector_id);
