import { css } from 'lit';

// The file list's styles: rows, progress, per-file forms, the summary and the interrupted
// uploads. They load with the list (upload-list.ts), after the first render: the drop zone
// needs only styles.ts. Colours and sizes are the custom properties styles.ts declares.
export const listStyles = css`
  .start,
  .more {
    justify-self: start;
  }
  .more {
    padding: 0.5rem 1rem;
    border: 1px solid var(--s3-upload-border-color);
    background: var(--s3-upload-background);
    color: var(--s3-upload-color);
  }
  .summary {
    display: grid;
    gap: 0.25rem;
  }
  .summary-text {
    font-size: 0.875em;
    color: var(--s3-upload-muted-color);
  }
  .problems {
    justify-self: start;
    font: inherit;
    font-size: 0.875em;
    font-weight: 600;
    padding: 0.125rem 0.25rem;
    margin-inline-start: -0.25rem;
    border: none;
    background: none;
    color: var(--s3-upload-danger-color);
    text-decoration: underline;
    cursor: pointer;
    border-radius: var(--s3-upload-radius, 0.5rem);
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  /* A long list scrolls inside the element instead of pushing the page (and the summary,
     the buttons, a refused file's reason) out of sight; "Show more" scrolls with it. */
  .scroller {
    display: grid;
    gap: 0.5rem;
    max-height: var(--s3-upload-list-max-height, 28rem);
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .clear,
  .text-button {
    justify-self: end;
    font: inherit;
    font-size: 0.875em;
    padding: 0.25rem 0.5rem;
    border: 1px solid var(--s3-upload-border-color);
    border-radius: calc(var(--s3-upload-radius) / 2);
    background: transparent;
    color: var(--s3-upload-accent-color);
    cursor: pointer;
  }
  .interrupted {
    display: grid;
    gap: 0.5rem;
  }
  .interrupted-title {
    margin: 0;
    font-size: 0.9375em;
  }
  .interrupted-item .actions {
    gap: 0.5rem;
  }
  /* On a phone, under the name and what is stored, so the row keeps the name readable; on a
     wider screen beside them, on the row, like a file row's buttons. */
  @media (max-width: 30rem) {
    .interrupted-item {
      grid-template-columns: var(--s3-upload-thumbnail-size) minmax(0, 1fr);
    }
    .interrupted-item .actions {
      grid-column: 2;
      flex-wrap: wrap;
      justify-content: flex-end;
    }
  }
  .item {
    display: grid;
    grid-template-columns: var(--s3-upload-thumbnail-size) minmax(0, 1fr) auto;
    align-items: center;
    gap: var(--s3-upload-gap);
    padding: 0.5rem;
    border: 1px solid var(--s3-upload-border-color);
    border-radius: var(--s3-upload-radius);
    background: var(--s3-upload-background);
    /* Off-screen rows of a long list are neither laid out nor painted. */
    content-visibility: auto;
    contain-intrinsic-size: auto 4rem;
  }
  .thumbnail {
    width: var(--s3-upload-thumbnail-size);
    height: var(--s3-upload-thumbnail-size);
    border-radius: calc(var(--s3-upload-radius) / 2);
    object-fit: cover;
    display: grid;
    place-items: center;
    background: var(--s3-upload-track-color);
    color: var(--s3-upload-muted-color);
    overflow: hidden;
  }
  .thumbnail img {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .info {
    display: grid;
    gap: 0.2rem;
    min-width: 0;
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: baseline;
    font-size: 0.875em;
    color: var(--s3-upload-muted-color);
  }
  /* Shortened in the middle (file-name.ts): the start gives way, the extension stays. */
  .name {
    display: flex;
    min-width: 0;
    white-space: nowrap;
    font-weight: 600;
    color: var(--s3-upload-color);
    font-size: 1rem;
  }
  .name-start {
    overflow: hidden;
    text-overflow: ellipsis;
    min-width: 0;
  }
  .name-end {
    flex: none;
  }
  .progress {
    height: 0.375rem;
    border-radius: 999px;
    background: var(--s3-upload-track-color);
    overflow: hidden;
  }
  .progress-indicator {
    width: 100%;
    height: 100%;
    background: var(--s3-upload-accent-color);
    transform-origin: left;
    transition: transform 200ms linear;
  }
  [dir='rtl'] .progress-indicator {
    transform-origin: right;
  }
  [data-status='succeeded'] .progress-indicator {
    background: var(--s3-upload-success-color);
  }
  [data-status='failed'] .progress-indicator,
  [data-status='cancelled'] .progress-indicator {
    background: var(--s3-upload-danger-color);
  }
  [data-status='succeeded'] .status {
    color: var(--s3-upload-success-color);
  }
  [data-status='failed'] .status,
  [data-status='refused'] .status,
  .reason {
    color: var(--s3-upload-danger-color);
  }
  .actions {
    display: flex;
    gap: 0.25rem;
  }
  .fields {
    display: grid;
    gap: 0.5rem;
    margin-top: 0.375rem;
  }
  /* On a phone a row's form takes the width its buttons had: they go under it, as in the
     interrupted list, so the inputs are not squeezed to half the row. */
  @media (max-width: 30rem) {
    .item:has(.fields) {
      grid-template-columns: var(--s3-upload-thumbnail-size) minmax(0, 1fr);
    }
    .item:has(.fields) .actions {
      grid-column: 2;
      justify-content: flex-end;
    }
  }
  .field {
    display: grid;
    gap: 0.2rem;
    font-size: 0.875em;
  }
  .field input,
  .field textarea {
    font: inherit;
    font-size: 1rem;
    color: var(--s3-upload-color);
    background: var(--s3-upload-background);
    border: 1px solid var(--s3-upload-border-color);
    border-radius: calc(var(--s3-upload-radius) / 2);
    padding: 0.375rem 0.5rem;
    min-width: 0;
    resize: vertical;
  }
  .field input:focus-visible,
  .field textarea:focus-visible {
    outline: var(--s3-upload-focus-ring);
    outline-offset: 1px;
  }
  .field [aria-invalid='true'] {
    border-color: var(--s3-upload-danger-color);
  }
  .field-error {
    color: var(--s3-upload-danger-color);
  }
  .action {
    display: inline-grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border: 1px solid var(--s3-upload-border-color);
    background: var(--s3-upload-background);
    color: var(--s3-upload-color);
  }
  .action[hidden] {
    display: none;
  }
  .action:hover:not(:disabled) {
    border-color: var(--s3-upload-accent-color);
  }
  .action svg,
  .thumbnail svg {
    width: 1.1rem;
    height: 1.1rem;
  }
  @media (prefers-reduced-motion: reduce) {
    .progress-indicator {
      transition: none;
    }
  }
`;
