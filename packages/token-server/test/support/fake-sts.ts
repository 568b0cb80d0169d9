import { HttpResponse, http } from 'msw';

/** Where the fake STS answers; never a real host. */
export const FAKE_STS = 'https://sts.fake-region.s3up.test';

export const FAKE_KEYS = {
  accessKeyId: 'ASIAFAKEKEYID0000001',
  secretAccessKey: 'fake/secret+key/THAT-MUST-NEVER-BE-LOGGED',
  sessionToken: 'FAKE-SESSION-TOKEN-THAT-MUST-NEVER-BE-LOGGED',
};

/** An STS AssumeRole answer (awsQuery XML). */
export function assumeRoleXml(
  options: { expiration?: Date; packedPolicySize?: number; accessKeyId?: string } = {},
) {
  const expiration = options.expiration ?? new Date(Date.now() + 3600_000);
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${options.accessKeyId ?? FAKE_KEYS.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${FAKE_KEYS.secretAccessKey}</SecretAccessKey>
      <SessionToken>${FAKE_KEYS.sessionToken}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROAFAKE:s3up-alice</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s3up-alice</Arn></AssumedRoleUser>
    <PackedPolicySize>${options.packedPolicySize ?? 7}</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

/** An STS error answer, as AWS shapes it (or RGW, with code `Unknown`). */
export function stsError(status: number, code: string, message: string) {
  return new HttpResponse(
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
    { status, headers: { 'content-type': 'text/xml' } },
  );
}

/** A handler answering AssumeRole with `answer(n)`, n counting the requests STS received (1-based). */
export function fakeSts(answer: (n: number, body: URLSearchParams) => Response | Promise<Response>) {
  let n = 0;
  const received: URLSearchParams[] = [];
  const handler = http.post(`${FAKE_STS}/`, async ({ request }) => {
    const body = new URLSearchParams(await request.text());
    received.push(body);
    n += 1;
    return answer(n, body);
  });
  return { handler, received };
}

export function ok(options?: Parameters<typeof assumeRoleXml>[0]) {
  return new HttpResponse(assumeRoleXml(options), { status: 200, headers: { 'content-type': 'text/xml' } });
}
