/** `--s3-concurrency` (SPEC §11.1, §12): S3 objects read at once. */
export const S3_CONCURRENCY = { default: 16, min: 1, max: 64 } as const;
