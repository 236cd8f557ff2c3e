import { readFileSync } from 'node:fs';
import { credsAuthenticator, type NatsConnection } from '@nats-io/nats-core';
import { connect as natsConnect } from '@nats-io/transport-node';
import { PpoRangeError } from '@ppo/utils';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Server URL(s): `nats://host:4222`, or `tls://host:4222` for TLS. */
  readonly servers: string | readonly string[];
  /** A token the server requires (`authorization { token: ... }`). */
  readonly token?: string;
  /** A NATS credentials file (JWT and NKey seed) the user holds. */
  readonly credsFile?: string;
  /** PEM file of the CA that signed the server's certificate, for a private CA. */
  readonly tlsCaFile?: string;
  /** The connection's name, shown by the server's monitoring. */
  readonly name?: string;
}

/**
 * Opens a NATS connection from Node that reconnects forever (a restarted server is picked up
 * again), with token or credentials-file authentication. A `tls://` URL or `tlsCaFile` turns
 * TLS on.
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: 'tls://nats.example.org:4222', credsFile: 'worker.creds' });
 * ```
 */
export async function connect(options: ConnectOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0 || !servers.every((s) => typeof s === 'string' && /^(nats|tls):\/\/[^\s]+$/.test(s))) {
    throw new PpoRangeError('INVALID_ARGUMENT', `connect: servers must be nats://host:port or tls://host:port URLs, got ${JSON.stringify(options.servers)}`);
  }
  if (options.token !== undefined && options.credsFile !== undefined) {
    throw new PpoRangeError('INVALID_ARGUMENT', 'connect: give a token or a credentials file, not both');
  }
  const tls = options.tlsCaFile !== undefined ? { caFile: options.tlsCaFile } : servers.some((s) => s.startsWith('tls://')) ? {} : undefined;
  return natsConnect({
    servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.credsFile === undefined ? {} : { authenticator: credsAuthenticator(readFileSync(options.credsFile)) }),
    ...(tls === undefined ? {} : { tls }),
  });
}
