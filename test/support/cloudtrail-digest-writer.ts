// The digest writer lives in scripts/ (make local signs its trail bucket with it); tests import it from here.
export {
  type DigestSpec,
  digestKey,
  type ListedPublicKey,
  type ObjectSink,
  signedStringOf,
  type Tamper,
  type TrailKey,
  trailKey,
  type WrittenDigest,
  writeDigest,
} from "../../scripts/cloudtrail-digest-writer.ts";
