// The one line an app adds for typed <s3-upload> markup.
import type {} from '@s3up/element/svelte';
