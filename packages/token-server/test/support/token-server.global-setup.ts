import type { TestProject } from 'vitest/node';

// Filled in by the token server's work: starts a real token server on the run's local
// cluster and provides its URL and JWT settings as inject('tokenServer').
export default async function setup(_project: TestProject) {}
