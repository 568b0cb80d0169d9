import { PhotoUploader } from './photo-uploader';

// A server component: it renders on the server, and the uploader (a client component)
// comes to life when the page hydrates.
export default function Page() {
  return (
    <main>
      <h1>Your photos</h1>
      <PhotoUploader />
    </main>
  );
}
