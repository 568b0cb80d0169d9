// `pnpm analyze`: custom-elements.json from the JSDoc of src/ (the element's API contract).

/**
 * Records what a property's setter accepts, as `writeType`, where it is wider than what its
 * getter returns (`maxFileSize` reads a number but takes `"20 MB"` too). The analyzer keeps
 * only the getter's type; the framework typings (scripts/framework-types.mjs) need the
 * setter's, because React 19, Vue and Svelte set the property to the text of the template.
 */
function writeTypes() {
  /** @type {Map<string, Map<string, string>>} class name -> property -> setter's parameter type */
  const found = new Map();
  return {
    name: 's3up-write-types',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        const type = ts.isSetAccessor(member) ? member.parameters[0]?.type?.getText() : undefined;
        if (!type) continue;
        const byName = found.get(node.name.text) ?? new Map();
        byName.set(member.name.getText(), type);
        found.set(node.name.text, byName);
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const byName = found.get(declaration.name);
        if (!byName) continue;
        for (const member of declaration.members ?? []) {
          const type = byName.get(member.name);
          if (type && type !== member.type?.text) member.writeType = { text: type };
        }
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  // The framework typings are generated from this manifest; they describe no element.
  exclude: ['src/frameworks/**'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest already; the staleness test runs the analyzer from elsewhere.
  packagejson: false,
  plugins: [writeTypes()],
};
