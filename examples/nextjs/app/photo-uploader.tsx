'use client';
import { S3Upload } from '@s3up/react';
import { useState } from 'react';

/** The uploader and what the app learns from it, in React state. */
export function PhotoUploader() {
  const [progress, setProgress] = useState({ sent: 0, total: 0 });
  const [stored, setStored] = useState<readonly string[]>([]);
  const [problem, setProblem] = useState<string>();
  return (
    <>
      <S3Upload
        endpoint="/api/s3up/credentials"
        multiple
        accept="image/*,.bin"
        maxFileSize="20 MB"
        onUploadProgress={(e) =>
          setProgress({ sent: e.detail.task.bytesUploaded, total: e.detail.task.size })
        }
        onUploadSucceeded={(e) => setStored((keys) => [...keys, e.detail.key])}
        onUploadFailed={(e) => setProblem(`${e.detail.task.name}: ${e.detail.error.message}`)}
      />
      <progress data-upload-progress value={progress.sent} max={progress.total || 1} />
      {problem && <p role="alert">{problem}</p>}
      <ul>
        {stored.map((key) => (
          <li key={key} data-uploaded-key={key}>
            {key}
          </li>
        ))}
      </ul>
    </>
  );
}
