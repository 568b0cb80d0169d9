// The one line an app adds for typed <s3-upload> templates.
import type {} from '@s3up/element/vue';
