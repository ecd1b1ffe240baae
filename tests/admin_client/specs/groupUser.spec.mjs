// Port of Keycloak's js/libs/keycloak-admin-client/test/groupUser.spec.ts against Doorkeep.
//
// Left out (a feature Doorkeep does not have): the "authorization permissions" block (fine-grained
// admin permissions: groups.updatePermission/listPermissions and the policies of master-realm);
// the spec itself skips it with describe.skip.
// One change: the spec expects a user's group to be exactly {id, name, path}. Keycloak 26 lists it with
// ModelToRepresentation.toRepresentation(group, false), and GroupRepresentation.getSubGroups() makes an
// empty list when none was set, so Jackson writes "subGroups": [] as well; the port expects that.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { connect, omit, pick, uniqueName } from "./support.mjs";

describe("Group user integration", () => {
  let kc;
  let currentGroup;
  let currentUser;

  before(async () => {
    kc = await connect();
    const group = await kc.groups.create({ name: uniqueName("group") });
    currentGroup = await kc.groups.findOne({ id: group.id });
    const user = await kc.users.create({ username: uniqueName(), email: "test@keycloak.org", enabled: true });
    currentUser = await kc.users.findOne({ id: user.id });
  });

  after(async () => {
    await kc.groups.del({ id: currentGroup.id });
    await kc.users.del({ id: currentUser.id });
  });

  it("should list user's group and expect empty", async () => {
    assert.deepEqual(await kc.users.listGroups({ id: currentUser.id }), []);
  });

  it("should add user to group", async () => {
    await kc.users.addToGroup({ id: currentUser.id, groupId: currentGroup.id });
    const groups = await kc.users.listGroups({ id: currentUser.id });
    assert.deepEqual(groups[0], { ...pick(currentGroup, ["id", "name", "path"]), subGroups: [] });
  });

  it("should list members using group api", async () => {
    const members = await kc.groups.listMembers({ id: currentGroup.id });
    assert.deepEqual(members[0], omit(currentUser, ["access"])); // the member list has no `access`
  });

  it("should remove user from group", async () => {
    await kc.users.delFromGroup({ id: currentUser.id, groupId: currentGroup.id });
    assert.deepEqual(await kc.users.listGroups({ id: currentUser.id }), []);
  });
});
