/**
 * @packageDocumentation
 * Node-only parts of `@ppo/distributed`: {@link connect} (a NATS connection over TCP that
 * reconnects forever, with token, credentials-file and TLS options).
 */
export { connect, type ConnectOptions } from './connect';
