// Port of Keycloak's js/libs/keycloak-admin-client/test/auth.spec.ts against Doorkeep: the client's
// getToken() (a password grant at master's token endpoint) and the camel-cased answer it builds.
// Every `it` of the spec is kept. One change: the spec compares `scope` to "openid profile email" as a
// string. Keycloak builds it (DefaultClientSessionContext.getScopeString) by joining the names of a
// HashSet of client scope models, hashed by their random ids, behind "openid" (TokenUtil.attachOIDCScope):
// only the leading "openid" is fixed, the order of the rest differs between installations. The port
// checks exactly that: "openid" first, then the set {profile, email}.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { getToken } from "@keycloak/keycloak-admin-client/lib/utils/auth.js";

import { baseUrl, credentials } from "./support.mjs";

const KEYS = [
  "accessToken",
  "expiresIn",
  "refreshExpiresIn",
  "refreshToken",
  "tokenType",
  "notBeforePolicy",
  "sessionState",
  "scope",
];

describe("Authorization", () => {
  it("should get token from local keycloak", async () => {
    const data = await getToken({ baseUrl, realmName: "master", credentials });
    assert.deepEqual(Object.keys(data).sort(), [...KEYS].sort());
  });

  it("should get token from local keycloak with custom scope", async () => {
    const data = await getToken({
      baseUrl,
      realmName: "master",
      credentials: { ...credentials, scopes: ["openid", "profile"] },
    });
    assert.deepEqual(Object.keys(data).sort(), [...KEYS, "idToken"].sort());
    const [first, ...rest] = data.scope.split(" ");
    assert.equal(first, "openid");
    assert.deepEqual(rest.sort(), ["email", "profile"]);
  });
});
