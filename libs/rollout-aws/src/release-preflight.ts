import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { AMI_ID, MODEL_VERSION, SERVER_IMAGE, type Release } from '@canaryfleet/traffic-state';
import type { OperatorEnvironment } from './operator-environment';

/** A release that cannot start: names the field, the value and what is allowed. Nothing was changed. */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new ReleaseError(`outputs.release_defaults.modelArtifactUri = ${JSON.stringify(uri)}: must be an s3://bucket/prefix URI`);
  return { bucket: match[1], prefix: match[2].replace(/\/?$/, '/').replace(/^\/$/, '') };
}

/** Where a model version's artifacts must be: `<modelArtifactUri>/<modelVersion>/`. */
export function artifactLocation(environment: OperatorEnvironment, modelVersion: string): { bucket: string; prefix: string } {
  const { bucket, prefix } = parseS3Uri(environment.outputs.release_defaults.modelArtifactUri);
  return { bucket, prefix: `${prefix}${modelVersion}/` };
}

/**
 * The release a rollout starts: the model version (its artifacts must exist), the server image
 * (`--image` or the environment's default) and the AMI, resolved now from the environment's AMI source
 * parameter so the canary fleet boots exactly what the journal records.
 */
export async function resolveRelease(clients: { s3: S3Client; ssm: SSMClient }, environment: OperatorEnvironment, input: { modelVersion: string; serverImage?: string }): Promise<Release> {
  const { modelVersion } = input;
  if (!MODEL_VERSION.test(modelVersion)) throw new ReleaseError(`--model = ${JSON.stringify(modelVersion)}: must be 1-64 letters, digits, ., _ or -`);
  const serverImage = input.serverImage ?? environment.outputs.release_defaults.serverImage;
  if (!SERVER_IMAGE.test(serverImage)) throw new ReleaseError(`--image = ${JSON.stringify(serverImage)}: must be a container image reference with a tag or digest, like registry/name:1.2.3`);
  const { bucket, prefix } = artifactLocation(environment, modelVersion);
  const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 })).catch((error: Error) => {
    if (error.name === 'NoSuchBucket') return { KeyCount: 0 };
    throw error;
  });
  if (!listed.KeyCount) throw new ReleaseError(`${environment.name}: model version ${modelVersion} has no artifacts at s3://${bucket}/${prefix}; upload them first`);
  const source = environment.outputs.release_defaults.amiSourceParameter;
  const amiId = (await clients.ssm.send(new GetParameterCommand({ Name: source }))).Parameter?.Value ?? '';
  if (!AMI_ID.test(amiId)) throw new ReleaseError(`${environment.name}: the AMI source parameter ${source} holds ${JSON.stringify(amiId)}, not an AMI id`);
  return { modelVersion, serverImage, amiId };
}
