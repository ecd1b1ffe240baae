// Port of Keycloak's js/libs/keycloak-admin-client/test/stringifyQueryParams.spec.ts (no server): every `it`
// kept, unchanged, on the pinned client's stringifyQueryParams.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { stringifyQueryParams } from "@keycloak/keycloak-admin-client/lib/utils/stringifyQueryParams.js";

describe("stringifyQueryParams", () => {
  it("ignores undefined and null", () => {
    assert.equal(stringifyQueryParams({ foo: undefined, bar: null }), "");
  });

  it("ignores empty strings", () => {
    assert.equal(stringifyQueryParams({ foo: "" }), "");
  });

  it("ignores empty arrays", () => {
    assert.equal(stringifyQueryParams({ foo: [] }), "");
  });

  it("accepts all other values", () => {
    assert.equal(
      stringifyQueryParams({
        boolTrue: true,
        boolFalse: false,
        numPositive: 1,
        numZero: 0,
        numNegative: -1,
        str: "Hello World!",
      }),
      "boolTrue=true&boolFalse=false&numPositive=1&numZero=0&numNegative=-1&str=Hello+World%21",
    );
  });
});
