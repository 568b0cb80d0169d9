// @ts-check
// The static endpoint resolver of the browser build (see lean-sdk.mjs): what S3's endpoint
// rule set answers for the endpoints a browser upload uses, without the rule engine.
// test/unit/static-endpoint.test.ts checks it against the SDK's own resolver.

const refuse = (what) => {
  throw new Error(
    `s3up's browser build resolves plain S3 endpoints only: ${what} needs the full SDK (import @s3up/core from its node build)`,
  );
};
// A DNS label S3 accepts in a virtual-hosted name (no dots over https: the certificate is *.s3...).
const virtualHostable = (bucket, https) =>
  /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) ||
  (!https && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket));
const isIp = (host) => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
const encode = (bucket) => encodeURIComponent(bucket);
/**
 * @param {Record<string, any>} p the SDK's endpoint parameters
 */
export const defaultEndpointResolver = (p) => {
  if (p.UseFIPS) refuse('FIPS endpoints');
  if (p.UseDualStack) refuse('dual-stack endpoints');
  if (p.Accelerate) refuse('Transfer Acceleration');
  if (p.UseObjectLambdaEndpoint || p.UseS3ExpressControlEndpoint) refuse('this endpoint type');
  const bucket = p.Bucket;
  if (bucket?.startsWith('arn:')) refuse('access point ARNs');
  if (bucket?.endsWith('--x-s3')) refuse('S3 Express directory buckets');
  const region = p.Region;
  if (!region) throw new Error('s3up: a region is required');
  const base = p.Endpoint
    ? new URL(p.Endpoint)
    : new URL(`https://s3.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  let url;
  if (!bucket) url = new URL(`${base.protocol}//${base.host}${path}`);
  else if (p.ForcePathStyle || isIp(base.hostname) || !virtualHostable(bucket, base.protocol === 'https:'))
    url = new URL(`${base.protocol}//${base.host}${path}${encode(bucket)}`);
  else url = new URL(`${base.protocol}//${bucket}.${base.host}${path === '/' ? '' : path}`);
  return {
    url,
    properties: {
      authSchemes: [{ name: 'sigv4', signingName: 's3', signingRegion: region, disableDoubleEncoding: true }],
    },
    headers: {},
  };
};
