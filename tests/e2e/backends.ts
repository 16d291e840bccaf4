// Starts the backend a scenario asks for: the demo server or the real flask-jwt-extended app.
import { DemoServer } from './demo-server.ts';
import { FlaskServer } from './flask-server.ts';
import type { BackendKind, TestBackend, TestBackendOptions } from './test-backend.ts';

export const BACKEND_KINDS: readonly BackendKind[] = ['demo', 'flask'];

export function startBackend(kind: BackendKind, options: TestBackendOptions = {}): Promise<TestBackend> {
  return kind === 'flask' ? FlaskServer.start(options) : DemoServer.start(options);
}
