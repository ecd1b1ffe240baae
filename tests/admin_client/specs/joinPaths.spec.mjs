// Port of Keycloak's js/libs/keycloak-admin-client/test/joinPaths.spec.ts (no server): every `it` kept,
// unchanged, on the pinned client's joinPath.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { joinPath } from "@keycloak/keycloak-admin-client/lib/utils/joinPath.js";

describe("joinPath", () => {
  it("returns an empty string when no paths are provided", () => {
    assert.equal(joinPath(), "");
  });

  it("joins paths", () => {
    assert.equal(joinPath("foo", "bar", "baz"), "foo/bar/baz");
    assert.equal(joinPath("foo", "/bar", "baz"), "foo/bar/baz");
    assert.equal(joinPath("foo", "bar/", "baz"), "foo/bar/baz");
    assert.equal(joinPath("foo", "/bar/", "baz"), "foo/bar/baz");
  });

  it("joins paths with leading slashes", () => {
    assert.equal(joinPath("/foo", "bar", "baz"), "/foo/bar/baz");
  });

  it("joins paths with trailing slashes", () => {
    assert.equal(joinPath("foo", "bar", "baz/"), "foo/bar/baz/");
  });
});
