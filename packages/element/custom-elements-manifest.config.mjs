// `pnpm analyze`: custom-elements.json from the JSDoc of src/ (the element's API contract).
export default {
  globs: ['src/**/*.ts'],
  outdir: '.',
  litelement: true,
};
