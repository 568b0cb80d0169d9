import '@s3up/element/define';
import { driveElement } from './s3up-driver.js';

// s3up as an app ships it: the <s3-upload> element (which lazy-loads @s3up/core's SDK
// code on the first upload), pointed at the token endpoint, the file picked through its
// own file input.
driveElement();
