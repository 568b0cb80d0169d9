import { driveElement } from './s3up-driver.js';

// The bundle benchmark's page: the element comes from the measured bundle (a separate
// <script>, bundle-entries/s3up-element.ts); this only drives it once it is defined.
customElements.whenDefined('s3-upload').then(driveElement, (error: unknown) => {
  window.benchErrors?.push(String(error));
});
