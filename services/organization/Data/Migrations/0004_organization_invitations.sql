-- Organization invitations (Logto §13): one Pending invitation per invitee and organization, the roles it gives.
-- A new database gets the same tables from the model.
CREATE TABLE organization_invitations (
    id character varying(12) NOT NULL,
    organization_id character varying(12) NOT NULL,
    invitee character varying(254) NOT NULL,
    inviter_id character varying(12),
    status character varying(16) NOT NULL,
    accepted_user_id character varying(12),
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_invitations PRIMARY KEY (id),
    CONSTRAINT fk_organization_invitations_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_invitations_invitee ON organization_invitations (invitee);
CREATE UNIQUE INDEX ux_organization_invitations_pending ON organization_invitations (organization_id, invitee) WHERE status = 'Pending';

CREATE TABLE organization_invitation_roles (
    invitation_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_invitation_roles PRIMARY KEY (invitation_id, role_id),
    CONSTRAINT fk_organization_invitation_roles_invitations FOREIGN KEY (invitation_id) REFERENCES organization_invitations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_invitation_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_invitation_roles_role_id ON organization_invitation_roles (role_id);
