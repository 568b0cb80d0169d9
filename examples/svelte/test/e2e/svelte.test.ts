// examples/svelte, built with vite as its users build it, in Chromium against the run's token
// server and the local backend: a picked file is stored byte-exact, its progress and success
// reach Svelte state, the form submits the keys and the controlled value empties the element,
// and the page logs no error or warning.
import { join } from 'node:path';
import { postFormExampleTests } from '@s3up/testkit/example-suite';

postFormExampleTests({ framework: 'Svelte', dir: join(import.meta.dirname, '..', '..') });
