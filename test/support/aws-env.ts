/** Dummy AWS settings for every test: no test may reach a real account or read the host's AWS setup. */
export const TEST_AWS_ENV = {
  AWS_ACCESS_KEY_ID: "AKIATESTTESTTESTTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret-access-key",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
} as const;
