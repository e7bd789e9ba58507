import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MODEL_CATALOG } from './model-catalog';

/** `s3://bucket/prefix/` -> bucket and key prefix. */
export function parseS3Prefix(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`modelArtifactUri = ${JSON.stringify(uri)}: must be an S3 prefix like s3://bucket/models/`);
  return { bucket: match[1], prefix: match[2] };
}

/**
 * Puts one artifact per catalog version under the environment's model artifact prefix on moto's S3
 * (`<prefix><version>/model.json`), creating the bucket if needed, so that a release of any catalog
 * version passes the operator's preflight. Returns the keys written.
 */
export async function seedModelArtifacts(s3: S3Client, modelArtifactUri: string): Promise<string[]> {
  const { bucket, prefix } = parseS3Prefix(modelArtifactUri);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  const keys: string[] = [];
  for (const [version, behaviour] of Object.entries(MODEL_CATALOG)) {
    const Key = `${prefix}${version}/model.json`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, ContentType: 'application/json', Body: JSON.stringify({ modelVersion: version, standIn: true, ...behaviour }, null, 2) }));
    keys.push(Key);
  }
  return keys;
}
