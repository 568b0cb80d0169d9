// Typed <s3-upload> in markup: its properties and `on` + event name attributes (svelte-check).
import type {} from '@s3up/element/svelte';
