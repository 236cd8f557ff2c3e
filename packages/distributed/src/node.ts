/**
 * @packageDocumentation
 * Node-only parts of `@ppo/distributed`: {@link connect} (a NATS connection over TCP that
 * reconnects forever, with token, credentials-file and TLS options) and {@link workerMain}
 * (the body of a worker process, as `ppo worker` runs it), and {@link startNatsServer} (a local
 * `nats-server` on 127.0.0.1 for tests and benchmarks).
 */
export { connect, type ConnectOptions } from './connect';
export { workerMain, type WorkerMainOptions } from './worker-main';
export { startNatsServer, type NatsServerFixture } from './nats-server-fixture';
