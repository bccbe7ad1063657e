// The environment every benchmarked process runs in: dummy credentials and a
// region, nothing of the caller's AWS settings, so runs measure only the local setup.
export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_REGION: "us-east-1",
    ...extra,
  };
}
