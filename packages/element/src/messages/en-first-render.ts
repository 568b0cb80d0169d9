import type { Catalog } from './catalog.js';

/** The texts of the first render (the drop zone, its button and hint) and the form's validity. */
export type FirstRenderId =
  | 'dropHere'
  | 'chooseFolder'
  | 'browseFiles'
  | 'browseFile'
  | 'accepted'
  | 'upToEach'
  | 'atMostFiles'
  | 'requiredMessage'
  | 'waitMessage';

/**
 * English for the first render: what `<s3-upload>` shows before any file is picked. The rest
 * of English (en.ts) loads with the file list (upload-list.ts), so the first render carries
 * only these (issue 21); other languages load whole, as before.
 */
export const enFirstRender: Pick<Catalog, FirstRenderId> = {
  dropHere: 'Drop files here, paste, or',
  chooseFolder: 'Choose a folder',
  browseFiles: 'Browse files',
  browseFile: 'Browse for a file',
  accepted: 'Accepted: {accept}',
  upToEach: 'Up to {size} each',
  atMostFiles: { one: 'At most {count} file', other: 'At most {count} files' },
  requiredMessage: 'Upload at least one file.',
  waitMessage: 'Wait for the uploads to finish.',
};
