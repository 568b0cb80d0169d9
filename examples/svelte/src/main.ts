// Registers <s3-upload> before Svelte renders it, so Svelte sets its properties (not attributes).
import '@s3up/element/define';
import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app');
mount(App, { target });
