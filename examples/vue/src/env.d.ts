// Typed <s3-upload> in templates: its properties as props, its events as emits (vue-tsc).
import type {} from '@s3up/element/vue';
