-- Users creating organizations (issue 14 pt 8): whether they may, and the role the creator gets. One row, id = 1.
-- A new database gets the same table from the model.
CREATE TABLE organization_settings (
    id integer NOT NULL,
    organization_creation character varying(16) NOT NULL,
    owner_role_id character varying(12),
    CONSTRAINT pk_organization_settings PRIMARY KEY (id),
    CONSTRAINT fk_organization_settings_organization_roles_owner_role_id FOREIGN KEY (owner_role_id) REFERENCES organization_roles (id) ON DELETE SET NULL
);
CREATE INDEX ix_organization_settings_owner_role_id ON organization_settings (owner_role_id);
