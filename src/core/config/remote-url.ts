/** What `remote.url` looks like: `s3://bucket` with an optional key prefix (bucket naming as S3's). */
export const REMOTE_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
