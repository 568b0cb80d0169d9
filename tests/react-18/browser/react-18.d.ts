// React 18 installed under its own names (see pnpm-workspace.yaml); typed with the
// workspace's React types, whose API the test uses is the same in 18.
declare module 'react-18' {
  import React = require('react');
  export = React;
}
declare module 'react-dom-18' {
  export * from 'react-dom';
}
declare module 'react-dom-18/client' {
  export * from 'react-dom/client';
}
