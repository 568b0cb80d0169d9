/**
 * The stored bytes of `key`, read back as its user would: a presigned GET from the token
 * server at `tokenServerUrl` (the user's `read` scope, with their `token`), then the GET.
 * `prefix` defaults to the user prefix the key starts with (`users/<id>/`). Throws with
 * the status and body when either step is refused. Browser-safe
 * (`@s3up/testkit/read-back`): the element's, React's, core's links and the adversarial
 * browser tests read objects back through it.
 */
export async function readBack(
  tokenServerUrl: string,
  token: string,
  key: string,
  prefix = key.slice(0, key.indexOf('/', 'users/'.length) + 1),
): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await (await readObject(tokenServerUrl, token, key, prefix)).arrayBuffer());
}

/**
 * The headers S3 answers for `key` (its `x-amz-meta-*` and Content-Disposition, as far as
 * the bucket CORS exposes them to a page), read as `readBack` reads the bytes.
 */
export async function readHeaders(tokenServerUrl: string, token: string, key: string): Promise<Headers> {
  const object = await readObject(
    tokenServerUrl,
    token,
    key,
    key.slice(0, key.indexOf('/', 'users/'.length) + 1),
  );
  await object.arrayBuffer();
  return object.headers;
}

async function readObject(
  tokenServerUrl: string,
  token: string,
  key: string,
  prefix: string,
): Promise<Response> {
  if (!key.startsWith(prefix)) throw new Error(`readBack: ${key} is not under ${prefix}`);
  const presign = await fetch(`${tokenServerUrl}/presign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'GET', key: key.slice(prefix.length), expiresIn: 300 }),
  });
  if (presign.status !== 200)
    throw new Error(`presign GET ${key}: ${presign.status} ${await presign.text()}`);
  const { url } = (await presign.json()) as { url: string };
  const object = await fetch(url);
  if (object.status !== 200) throw new Error(`GET ${key}: ${object.status} ${await object.text()}`);
  return object;
}
