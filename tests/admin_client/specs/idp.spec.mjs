// Port of Keycloak's js/libs/keycloak-admin-client/test/idp.spec.ts against Doorkeep.
// Every `it` of the spec is kept, the two Keycloak skips ("Enable fine grained permissions", "list
// permissions": fine-grained admin permissions) skipped here too. Two changes:
// - The spec's provider is a SAML one (providerId "saml", mapper "saml-user-attribute-idp-mapper",
//   factory "saml"). Doorkeep brokers OpenID Connect only and answers Keycloak's 501 for SAML
//   (docs/identity-brokering.md, "Not supported"), so the port uses the OpenID Connect counterparts:
//   providerId "oidc", "oidc-user-attribute-idp-mapper" (same "user.attribute" config key), factory "oidc".
// - "Import from url" imports the discovery document of the Keycloak container the spec runs against
//   (http://localhost:8180/realms/master/...); the port imports the one of the server under test, and
//   expects that server's authorization endpoint back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { assertIncludes, baseUrl, connect, uniqueName } from "./support.mjs";

describe("Identity providers", () => {
  let kc;
  let currentIdpAlias;

  before(async () => {
    kc = await connect();
    const alias = uniqueName("idp");
    const idp = await kc.identityProviders.create({ alias, providerId: "oidc" });
    assert.ok(idp.id);
    currentIdpAlias = alias;

    const idpMapper = await kc.identityProviders.createMapper({
      alias: currentIdpAlias,
      identityProviderMapper: {
        name: "First Name",
        identityProviderAlias: currentIdpAlias,
        identityProviderMapper: "oidc-user-attribute-idp-mapper",
        config: {},
      },
    });
    assert.ok(idpMapper.id);
  });

  after(async () => {
    const mappers = await kc.identityProviders.findMappers({ alias: currentIdpAlias });
    const mapperId = mappers[0].id;
    await kc.identityProviders.delMapper({ alias: currentIdpAlias, id: mapperId });
    assert.equal(await kc.identityProviders.findOneMapper({ alias: currentIdpAlias, id: mapperId }), null);

    await kc.identityProviders.del({ alias: currentIdpAlias });
    assert.equal(await kc.identityProviders.findOne({ alias: currentIdpAlias }), null);
  });

  it("list idp", async () => {
    const idps = await kc.identityProviders.find();
    assert.ok(idps.length >= 1);
  });

  it("get an idp", async () => {
    assertIncludes(await kc.identityProviders.findOne({ alias: currentIdpAlias }), { alias: currentIdpAlias });
  });

  it("update an idp", async () => {
    const idp = await kc.identityProviders.findOne({ alias: currentIdpAlias });
    await kc.identityProviders.update(
      { alias: currentIdpAlias },
      // alias and providerId are required to update
      { alias: idp.alias, providerId: idp.providerId, displayName: "test" },
    );
    const updated = await kc.identityProviders.findOne({ alias: currentIdpAlias });
    assertIncludes(updated, { alias: currentIdpAlias, displayName: "test" });
  });

  it("list idp factory", async () => {
    assertIncludes(await kc.identityProviders.findFactory({ providerId: "oidc" }), { id: "oidc" });
  });

  it("get an idp mapper", async () => {
    const mappers = await kc.identityProviders.findMappers({ alias: currentIdpAlias });
    assert.ok(mappers.length >= 1);
  });

  it("update an idp mapper", async () => {
    const mappers = await kc.identityProviders.findMappers({ alias: currentIdpAlias });
    const mapperId = mappers[0].id;
    await kc.identityProviders.updateMapper(
      { alias: currentIdpAlias, id: mapperId },
      {
        id: mapperId,
        identityProviderAlias: currentIdpAlias,
        identityProviderMapper: "oidc-user-attribute-idp-mapper",
        config: { "user.attribute": "firstName" },
      },
    );
    const updated = await kc.identityProviders.findOneMapper({ alias: currentIdpAlias, id: mapperId });
    assert.equal(updated.config["user.attribute"], "firstName");
  });

  it("Import from url", async () => {
    const result = await kc.identityProviders.importFromUrl({
      providerId: "oidc",
      fromUrl: `${baseUrl}/realms/master/.well-known/openid-configuration`,
    });
    assert.ok(result);
    assert.equal(result.authorizationUrl, `${baseUrl}/realms/master/protocol/openid-connect/auth`);
  });

  it.skip("Enable fine grained permissions", async () => {
    const permission = await kc.identityProviders.updatePermission({ alias: currentIdpAlias }, { enabled: true });
    assertIncludes(permission, { enabled: true });
  });

  it.skip("list permissions", async () => {
    const permissions = await kc.identityProviders.listPermissions({ alias: currentIdpAlias });
    assert.equal(typeof permissions.scopePermissions, "object");
  });
});
