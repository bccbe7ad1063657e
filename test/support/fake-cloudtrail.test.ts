// The fake's ListPublicKeys read by the real SDK: what a PublicKeyLister built
// on CloudTrailClient will meet. Keys come from trailKey(); expected values from them.
import { afterAll, expect, test } from "bun:test";
import { CloudTrailClient, ListPublicKeysCommand } from "@aws-sdk/client-cloudtrail";
import { importPublicKey } from "../../internal/audit/public-keys.ts";
import { trailKey } from "./cloudtrail-digest-writer.ts";
import { startFakeCloudTrail } from "./fake-cloudtrail.ts";

const current = trailKey();
const old = trailKey();
const sec = (iso: string) => Date.parse(iso) / 1000;
const fake = startFakeCloudTrail({
  events: {},
  publicKeys: {
    "us-east-1": [
      { ...old.publicKey, validFromSec: sec("2025-01-01T00:00:00Z"), validToSec: sec("2025-12-31T00:00:00Z") },
      { ...current.publicKey, validFromSec: sec("2025-12-31T00:00:00Z"), validToSec: sec("2026-12-31T00:00:00Z") },
    ],
  },
});
afterAll(() => fake.stop());

test("ListPublicKeys answers the keys valid in the range, as DER bytes the SDK decodes and node:crypto imports", async () => {
  const client = new CloudTrailClient({ region: "us-east-1", endpoint: fake.url });
  try {
    const out = await client.send(
      new ListPublicKeysCommand({
        StartTime: new Date("2026-01-20T00:00:00Z"),
        EndTime: new Date("2026-01-21T00:00:00Z"),
      }),
    );
    expect(out.PublicKeyList?.map((k) => k.Fingerprint)).toEqual([current.publicKey.fingerprint]);
    const key = out.PublicKeyList?.[0];
    expect(Buffer.from(key?.Value as Uint8Array).equals(Buffer.from(current.publicKey.der))).toBe(true);
    expect(key?.ValidityEndTime?.toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(importPublicKey(key?.Value as Uint8Array)?.asymmetricKeyType).toBe("rsa");
    const eu = await new CloudTrailClient({ region: "eu-west-1", endpoint: fake.url }).send(
      new ListPublicKeysCommand({}),
    );
    expect(eu.PublicKeyList).toEqual([]);
  } finally {
    client.destroy();
  }
});
