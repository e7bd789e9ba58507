import { risksOf, type Risk } from '../../src';
import { change } from '../support/changes';

const reasons = (risks: Risk[]) => risks.map((risk) => `${risk.rule} ${risk.address} ${risk.attribute}: ${risk.reason}`);
const document = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

const ec2Trust = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
const sourceAccount = { StringEquals: { 'aws:SourceAccount': '111111111111' } };
const tlsOnly = { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

describe('trust and resource policy widening', () => {
  it('flags a trust policy that lets a new principal assume the role, naming the principal', () => {
    const before = { assume_role_policy: document(ec2Trust) };
    const after = { assume_role_policy: document(ec2Trust, { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }) };
    expect(reasons(risksOf([change('aws_iam_role.fleet', 'update', before, after)]))).toEqual([
      'policy-widening aws_iam_role.fleet assume_role_policy: newly allows AWS:arn:aws:iam::222222222222:root to sts:assumerole',
    ]);
  });

  it('flags a dropped condition (a confused-deputy guard) and says which', () => {
    const guarded = { ...ec2Trust, Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Condition: sourceAccount };
    const before = { assume_role_policy: document(guarded) };
    const after = { assume_role_policy: document({ ...guarded, Condition: undefined }) };
    expect(reasons(risksOf([change('aws_iam_role.flow_logs', 'update', before, after)]))).toEqual([
      'policy-widening aws_iam_role.flow_logs assume_role_policy: Service:vpc-flow-logs.amazonaws.com may sts:assumerole without condition StringEquals:aws:SourceAccount=111111111111',
    ]);
  });

  it('flags a bucket policy that opens reading to everyone and drops its TLS-only Deny', () => {
    const reader = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/fleet' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const before = { policy: document(tlsOnly, reader) };
    const after = { policy: document({ ...reader, Principal: '*' }) };
    expect(reasons(risksOf([change('aws_s3_bucket_policy.models', 'update', before, after)]))).toEqual([
      'policy-widening aws_s3_bucket_policy.models policy: newly allows anyone (Principal "*") to s3:getobject on arn:aws:s3:::b/*',
      'policy-widening aws_s3_bucket_policy.models policy: no longer denies (TlsOnly) s3:* if Bool:aws:SecureTransport=false',
    ]);
  });

  it('flags deleting a standalone policy that held a Deny, and a key and a topic policy granting a new service', () => {
    const keyAdmin = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' };
    const snsUse = { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' };
    const publish = { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'SNS:Publish', Resource: 'arn:aws:sns:us-east-1:111111111111:alarms' };
    const risks = risksOf([
      change('aws_s3_bucket_policy.state', 'delete', { policy: document(tlsOnly) }, null),
      change('aws_kms_key.alarms', 'update', { policy: document(keyAdmin) }, { policy: document(keyAdmin, snsUse) }),
      change('aws_sns_topic_policy.alarms', 'update', { policy: document() }, { policy: document(publish) }),
    ]);
    expect(reasons(risks)).toEqual([
      'policy-widening aws_s3_bucket_policy.state policy: no longer denies (TlsOnly) s3:* if Bool:aws:SecureTransport=false',
      'policy-widening aws_kms_key.alarms policy: newly allows Service:cloudwatch.amazonaws.com to kms:decrypt on *',
      'policy-widening aws_kms_key.alarms policy: newly allows Service:cloudwatch.amazonaws.com to kms:generatedatakey* on *',
      'policy-widening aws_sns_topic_policy.alarms policy: newly allows Service:cloudwatch.amazonaws.com to sns:publish on arn:aws:sns:us-east-1:111111111111:alarms',
    ]);
  });

  it('does not flag narrowing, a grant already covered by a wildcard, an added condition, or a document not known yet', () => {
    const wide = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' };
    const risks = risksOf([
      change('aws_s3_bucket_policy.narrowed', 'update', { policy: document(wide) }, { policy: document({ ...wide, Action: 's3:GetObject' }) }),
      change('aws_s3_bucket_policy.guarded', 'update', { policy: document(wide) }, { policy: document({ ...wide, Condition: sourceAccount }) }),
      change('aws_iam_role.same', 'update', { assume_role_policy: document(ec2Trust), name: 'a' }, { assume_role_policy: document(ec2Trust), name: 'b' }),
      change('aws_sns_topic.unknown', 'update', { policy: document() }, { policy: '${data.aws_iam_policy_document.topic.json}' }),
      change('aws_s3_bucket_policy.reordered', 'update', { policy: document(tlsOnly) }, { policy: document({ ...tlsOnly, Resource: [...tlsOnly.Resource].reverse() }) }),
    ]);
    expect(reasons(risks)).toEqual([]);
  });
});
