import { css } from 'lit';

// Colours use light-dark(). theme="auto" (the default) follows the page's color-scheme, or
// the system's preference when the page declares none (the `system-scheme` state, set by the
// element); theme="light" / "dark" force one. Every default pair keeps WCAG AA contrast
// (4.5:1 for text) on its own background.
export const styles = css`
  :host {
    --s3-upload-font: inherit;
    --s3-upload-radius: 0.5rem;
    --s3-upload-gap: 0.75rem;
    --s3-upload-background: light-dark(#ffffff, #1b1d21);
    --s3-upload-color: light-dark(#1d2025, #eef0f3);
    --s3-upload-muted-color: light-dark(#555b65, #b4bac4);
    --s3-upload-border-color: light-dark(#c4c9d1, #4a505a);
    --s3-upload-accent-color: light-dark(#0b5cd5, #7cb0ff);
    --s3-upload-accent-contrast: light-dark(#ffffff, #0d1420);
    --s3-upload-dropzone-background: light-dark(#f5f7fa, #23262c);
    --s3-upload-dropzone-active-background: light-dark(#e6effd, #1f3350);
    --s3-upload-danger-color: light-dark(#b3261e, #ffb4ab);
    --s3-upload-success-color: light-dark(#1e6b34, #8fd8a0);
    --s3-upload-track-color: light-dark(#e2e6eb, #3a3f47);
    --s3-upload-focus-ring: 3px solid light-dark(#0b5cd5, #7cb0ff);
    --s3-upload-thumbnail-size: 2.5rem;

    display: block;
    font: var(--s3-upload-font);
    color: var(--s3-upload-color);
  }
  :host([hidden]) {
    display: none;
  }
  :host(:state(system-scheme)) {
    color-scheme: light dark;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  * {
    box-sizing: border-box;
  }
  .base {
    display: grid;
    gap: var(--s3-upload-gap);
  }
  .dropzone {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
    padding: 1.5rem 1rem;
    border: 2px dashed var(--s3-upload-border-color);
    border-radius: var(--s3-upload-radius);
    background: var(--s3-upload-dropzone-background);
    text-align: center;
    cursor: pointer;
    transition:
      background-color 150ms ease,
      border-color 150ms ease;
  }
  .dropzone.dragover {
    border-color: var(--s3-upload-accent-color);
    background: var(--s3-upload-dropzone-active-background);
  }
  :host([disabled]) .dropzone,
  .dropzone.disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .hint {
    color: var(--s3-upload-muted-color);
    font-size: 0.875em;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--s3-upload-radius) / 1.5);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button:focus-visible,
  .dropzone:focus-within:has(button:focus-visible) {
    outline: var(--s3-upload-focus-ring);
    outline-offset: 2px;
  }
  .browse,
  .start {
    padding: 0.5rem 1rem;
    border: 1px solid var(--s3-upload-accent-color);
    background: var(--s3-upload-accent-color);
    color: var(--s3-upload-accent-contrast);
    font-weight: 600;
  }
  .base {
    background: var(--s3-upload-background);
  }
  .empty {
    color: var(--s3-upload-muted-color);
    font-size: 0.875em;
    text-align: center;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (prefers-reduced-motion: reduce) {
    .dropzone {
      transition: none;
    }
  }
`;
