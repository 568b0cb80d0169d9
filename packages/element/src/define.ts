// The one module with a side effect: registers <s3-upload>. Import it once per page:
// `import '@s3up/element/define';` or `<script type="module" src=".../define.js">`.
import { S3Upload } from './s3-upload.js';

// Guarded both ways: a server render (Node, no registry) defines nothing, and a page that
// loads a second copy of the package (or hydrates after one) keeps the first definition
// instead of throwing "already defined".
if (typeof customElements !== 'undefined' && !customElements.get('s3-upload')) {
  customElements.define('s3-upload', S3Upload);
}

declare global {
  interface HTMLElementTagNameMap {
    's3-upload': S3Upload;
  }
}

export { S3Upload };
