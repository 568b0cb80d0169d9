'use client';
// Registers <s3-upload> (guarded: nothing happens in Node, and a second copy keeps the
// first definition), then makes the component with the app's React.
import '@s3up/element/define';
import * as React from 'react';
import { createS3Upload } from './s3-upload-component.js';

/**
 * `<s3-upload>` as a React component (React 18 and 19): typed props, events as camelCase
 * props, a ref to the element. Safe to import during a server render: the element renders
 * as an empty `<s3-upload>` there and comes to life when the page hydrates.
 *
 * @example
 * ```tsx
 * const [keys, setKeys] = useState<readonly string[]>([]);
 * <S3Upload endpoint="/api/s3up/credentials" name="photos" multiple maxFileSize="20 MB"
 *   value={keys} onChange={(e) => setKeys(e.detail.value)}
 *   onUploadSucceeded={(e) => console.log('stored', e.detail.key)} />
 * ```
 */
export const S3Upload = createS3Upload(React);
