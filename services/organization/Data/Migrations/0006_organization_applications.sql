-- Machine-to-machine applications as organization members (Logto §13, issue 14 pt 3) and their organization roles.
-- A new database gets the same tables from the model.
CREATE TABLE organization_applications (
    organization_id character varying(12) NOT NULL,
    application_id character varying(21) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_applications PRIMARY KEY (organization_id, application_id),
    CONSTRAINT fk_organization_applications_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_applications_application_id ON organization_applications (application_id);

CREATE TABLE organization_application_roles (
    organization_id character varying(12) NOT NULL,
    application_id character varying(21) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_application_roles PRIMARY KEY (organization_id, application_id, role_id),
    CONSTRAINT fk_organization_application_roles_memberships FOREIGN KEY (organization_id, application_id) REFERENCES organization_applications (organization_id, application_id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_application_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_application_roles_role_id ON organization_application_roles (role_id);
