// The organization calls @keycloak/keycloak-admin-client 26.8.0 added or changed, made against Doorkeep (no spec of
// Keycloak's covers them; tests/wire/test_kc_s69g_*.py hold the wire detail):
//   organizations.count({exact, search, q, identityProvider}) and find({identityProvider});
//   organizations.listMembers answering OrganizationMemberRepresentation (membershipType);
//   organizations.updateMembershipType({orgId, userId}, "MANAGED" | "UNMANAGED");
//   organizations.invite({orgId, clientId}, form) sending client_id;
//   organizations.updateIdentityProviderLink({orgId, alias}, {autoMembership, membershipType}), Keycloak 26.8's
//   per-link settings of a provider linked to several organizations (IdentityProviderRepresentation
//   .organizationLinks; tests/wire/test_kc_s70b_org_idp_links.py holds the wire detail).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { connect, uniqueName } from "./support.mjs";

describe("Organizations (admin client 26.8)", () => {
  let kc;
  let org;
  let other;
  let user;
  const alias = uniqueName("org-idp");
  const orgName = uniqueName("org");

  before(async () => {
    kc = await connect();
    await kc.realms.update({ realm: "master" }, { organizationsEnabled: true });
    org = await kc.organizations.create({ name: orgName, enabled: true, domains: [{ name: "s69g.org" }] });
    other = await kc.organizations.create({ name: uniqueName("other"), enabled: true, domains: [{ name: "s69g.net" }] });
    await kc.identityProviders.create({
      alias,
      providerId: "oidc",
      config: { clientId: "x", clientSecret: "y", authorizationUrl: "https://idp.example/auth", tokenUrl: "https://idp.example/token" },
    });
    await kc.organizations.linkIdp({ orgId: org.id, alias });
    user = await kc.users.create({ username: uniqueName("member"), enabled: true });
    await kc.organizations.addMember({ orgId: org.id, userId: user.id });
  });

  after(async () => {
    await kc.organizations.delById({ id: org.id });
    await kc.organizations.delById({ id: other.id });
    await kc.identityProviders.del({ alias });
    await kc.users.del({ id: user.id });
  });

  it("counts organizations", async () => {
    assert.equal(await kc.organizations.count(), 2);
    assert.equal(await kc.organizations.count({ search: orgName, exact: true }), 1);
    assert.equal(await kc.organizations.count({ search: "no-such-organization" }), 0);
  });

  it("finds and counts the organizations of an identity provider", async () => {
    const found = await kc.organizations.find({ identityProvider: alias });
    assert.deepEqual(
      found.map((o) => o.id),
      [org.id],
    );
    assert.equal(await kc.organizations.count({ identityProvider: alias }), 1);
    assert.equal(await kc.organizations.count({ identityProvider: "no-such-idp" }), 0);
  });

  it("changes a member's membership type", async () => {
    let members = await kc.organizations.listMembers({ orgId: org.id });
    assert.equal(members.length, 1);
    assert.equal(members[0].membershipType, "UNMANAGED");
    await kc.organizations.updateMembershipType({ orgId: org.id, userId: user.id }, "MANAGED");
    members = await kc.organizations.listMembers({ orgId: org.id, membershipType: "MANAGED" });
    assert.deepEqual(
      members.map((m) => [m.id, m.membershipType]),
      [[user.id, "MANAGED"]],
    );
    await kc.organizations.updateMembershipType({ orgId: org.id, userId: user.id }, "UNMANAGED");
    members = await kc.organizations.listMembers({ orgId: org.id });
    assert.equal(members[0].membershipType, "UNMANAGED");
  });

  it("refuses a membership type change for a user who is not a member", async () => {
    await assert.rejects(
      kc.organizations.updateMembershipType({ orgId: other.id, userId: user.id }, "MANAGED"),
      (err) => err.response?.status === 404,
    );
  });

  it("sends client_id with an invitation", async () => {
    // An unknown client refuses the invitation before any mail: the parameter reached the server.
    await assert.rejects(
      kc.organizations.invite({ orgId: org.id, clientId: "no-such-client" }, { email: "new@s69g.org" }),
      (err) => err.response?.status === 400,
    );
  });

  it("writes the per-link settings of a provider linked to several organizations", async () => {
    await kc.organizations.linkIdp({ orgId: other.id, alias });
    await kc.organizations.updateIdentityProviderLink(
      { orgId: org.id, alias },
      { autoMembership: true, membershipType: "MANAGED" },
    );
    await kc.organizations.updateIdentityProviderLink(
      { orgId: other.id, alias },
      { autoMembership: false, membershipType: "UNMANAGED" },
    );
    const provider = await kc.identityProviders.findOne({ alias });
    assert.equal(provider.organizationId, org.id);
    assert.deepEqual(provider.organizationLinks, [
      { organizationId: org.id, autoMembership: true, membershipType: "MANAGED" },
      { organizationId: other.id, autoMembership: false, membershipType: "UNMANAGED" },
    ]);
    const found = await kc.organizations.find({ identityProvider: alias });
    assert.deepEqual(found.map((o) => o.id).sort(), [org.id, other.id].sort());
    // One MANAGED link per provider (C1) and MANAGED only with auto-membership (C2): 400, nothing changed.
    for (const settings of [
      { autoMembership: true, membershipType: "MANAGED" },
      { autoMembership: false, membershipType: "MANAGED" },
    ]) {
      await assert.rejects(
        kc.organizations.updateIdentityProviderLink({ orgId: other.id, alias }, settings),
        (err) => err.response?.status === 400,
      );
    }
    const linked = await kc.organizations.listIdentityProviders({ orgId: other.id });
    assert.deepEqual(
      linked.map((p) => [p.alias, p.organizationLinks.length]),
      [[alias, 2]],
    );
    await kc.organizations.unLinkIdp({ orgId: other.id, alias });
  });

  it("refuses the link settings of a provider the organization is not linked to", async () => {
    await assert.rejects(
      kc.organizations.updateIdentityProviderLink(
        { orgId: other.id, alias },
        { autoMembership: true, membershipType: "UNMANAGED" },
      ),
      (err) => err.response?.status === 404,
    );
  });
});
