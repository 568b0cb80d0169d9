import { S3Upload } from '@s3up/react';
import { type FormEvent, useState } from 'react';

interface Progress {
  sent: number;
  total: number;
}

/**
 * A "new post" form: the photos go straight to S3 while the user types the caption; the
 * form submits the stored object keys. `keys` is the uploader's controlled value.
 */
export function App() {
  const [caption, setCaption] = useState('');
  const [keys, setKeys] = useState<readonly string[]>([]);
  const [progress, setProgress] = useState<Progress>({ sent: 0, total: 0 });
  const [stored, setStored] = useState<readonly string[]>([]);
  const [problem, setProblem] = useState<string>();
  const [posted, setPosted] = useState<{ caption: string; photos: string[] }>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    // Your backend would save the post; the keys name objects already in the bucket.
    setPosted({ caption: String(data.get('caption')), photos: data.getAll('photos').map(String) });
    setCaption('');
    setKeys([]);
    setStored([]);
    setProgress({ sent: 0, total: 0 });
  }

  return (
    <main>
      <h1>New post</h1>
      <form onSubmit={submit}>
        <label>
          Caption <input name="caption" value={caption} onChange={(e) => setCaption(e.target.value)} />
        </label>
        <S3Upload
          endpoint="/s3up/credentials"
          name="photos"
          required
          multiple
          accept="image/*,.bin"
          maxFileSize="20 MB"
          value={keys}
          onChange={(e) => setKeys(e.detail.value)}
          onUploadProgress={(e) =>
            setProgress({ sent: e.detail.task.bytesUploaded, total: e.detail.task.size })
          }
          onUploadSucceeded={(e) => setStored((s) => [...s, e.detail.key])}
          onUploadFailed={(e) => setProblem(`${e.detail.task.name}: ${e.detail.error.message}`)}
        />
        <progress
          data-upload-progress
          value={progress.sent}
          max={progress.total || 1}
          style={{ width: '100%' }}
        />
        <p>{keys.length} photo(s) ready</p>
        {problem && <p role="alert">{problem}</p>}
        <ul>
          {stored.map((key) => (
            <li key={key} data-uploaded-key={key}>
              {key}
            </li>
          ))}
        </ul>
        <button type="submit">Post</button>
      </form>
      {posted && (
        <output data-posted>
          Posted “{posted.caption}” with {posted.photos.length} photo(s).
        </output>
      )}
    </main>
  );
}
