import type { NatsConnection } from '@nats-io/nats-core';
import { Objm, type ObjectStore } from '@nats-io/obj';

/** Runs `fn` until it succeeds, waiting `waitMs` between tries while `live()` holds (the server may be restarting). */
export async function retrying<T>(fn: () => Promise<T>, live: () => boolean, waitMs = 250): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!live()) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Opens (creating when missing) the run's object store bucket; its default file storage survives a server restart. */
export async function openBucket(nc: NatsConnection, bucket: string): Promise<ObjectStore> {
  return new Objm(nc).create(bucket);
}
