/**
 * @packageDocumentation
 * Action distributions, policy and value networks, weights I/O and backend selection on
 * TensorFlow.js (`@tensorflow/tfjs` is a peer dependency).
 */
export { selectBackend, type BackendName, type BackendRequest, type SelectBackendOptions } from './backend';
