// Registers <s3-upload> before Vue renders it, so Vue sets its properties (not attributes).
import '@s3up/element/define';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
