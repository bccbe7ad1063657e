import { expect, test } from "bun:test";
import { profileNames } from "./shared-config.ts";

test("profileNames() matches its documented example and reads credentials headers as they are", () => {
  expect(profileNames("[default]\n[profile audit]\nregion = x\n[sso-session s]\n", "config")).toEqual([
    "default",
    "audit",
  ]);
  expect(profileNames("[audit]\naws_access_key_id = x\n[ default ]\n", "credentials")).toEqual(["audit", "default"]);
  // In the config file a bare [name] is not a profile (the SDK ignores it too).
  expect(profileNames("[audit]\nregion = x\n", "config")).toEqual([]);
});
