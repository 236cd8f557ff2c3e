/**
 * @packageDocumentation
 * PPO beyond one machine, over NATS: a learner ({@link createLearner}, a `RolloutCollector` for
 * `PPO.train`) and rollout workers ({@link runWorker}) that each own env slots. Weights, the
 * config and logged actions go through a JetStream object store; rollouts come back as binary
 * chunks split under the server's `max_payload`. Browser-safe: give it a `NatsConnection` from
 * `wsconnect` (`@nats-io/nats-core`) in a page, or from `connect` in `@ppo/distributed/node`.
 */
export { createLearner, type Learner, type LearnerOptions, type RolloutTraffic } from './learner';
export { runWorker, type RolloutSent, type WorkerOptions } from './worker';
export { CHUNK_HEADERS, OBJECTS, subjects, type Hello, type Subjects, type Task } from './protocol';
export { decodeSlotRollout, encodeSlotRollout, type SlotEpisode, type SlotRollout } from './slot-rollout';
export { decodeWeights, encodeWeights } from './weights-codec';
export { joinParts, splitPayload } from './binary-frame';
