// `npm start`: the demo on http://localhost:8787/ (or $PORT), serving the built page from dist/.
import { startDemoServer } from './start.ts';

const DEFAULT_PORT = 8787;

const port = process.env.PORT ? Number.parseInt(process.env.PORT, 10) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('Token Broker demo: PORT must be a port number');
  process.exit(1);
}

// Loopback only; browsers try 127.0.0.1 for "localhost" when ::1 refuses.
const server = await startDemoServer({ port, publicHost: 'localhost' });
console.log(`Token Broker demo: http://localhost:${server.port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
