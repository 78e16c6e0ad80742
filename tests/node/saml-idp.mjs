// A SAML 2.0 identity provider that is not our code: npm samlify builds (and signs, and optionally encrypts) the
// login response our SP must accept, from the SP's own metadata.
//   node saml-idp.mjs '<json>'   (run from tests/node)   -> prints {"samlResponse": base64, "idpMetadata": xml}
// json: { spMetadata, entityId, ssoUrl, privateKey, certificate, inResponseTo?, nameId, attributes?, encrypt?, signResponse?, overrides? }
// (overrides replace template values, e.g. Audience, SubjectRecipient, ConditionsNotOnOrAfter, to build wrong responses with a real signature)
import { createLoginResponse } from './saml-idp-response.mjs';

const { samlResponse, idpMetadata } = await createLoginResponse(JSON.parse(process.argv[2]));
console.log(JSON.stringify({ samlResponse, idpMetadata }));
