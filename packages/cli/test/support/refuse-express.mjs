// A module-resolution hook for a child process: any attempt to load Express fails loudly,
// naming the importer. The CLI must run without it (it is not a dependency of @s3up/cli).
export async function resolve(specifier, context, next) {
  if (specifier === 'express' || specifier.startsWith('express/'))
    throw new Error(`express was imported by ${context.parentURL}`);
  return next(specifier, context);
}
