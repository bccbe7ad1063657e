// The STS stand-in lives in scripts/ (make local runs it too); tests import it from here.
export { type FakeSts, startFakeSts } from "../../scripts/fake-sts.ts";
