// What an app imports to get <s3-upload>: the render-only code is what loads before the
// first upload; the SDK chunks come with it.
import '@s3up/element/define';
