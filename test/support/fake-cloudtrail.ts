// The CloudTrail stand-in lives in scripts/ (make local runs it too); tests import it from here.
export {
  type FakeCloudTrail,
  type FakeEvent,
  type FakeOptions,
  type FakePublicKey,
  type FakeRecord,
  type FakeRequest,
  startFakeCloudTrail,
} from "../../scripts/fake-cloudtrail.ts";
