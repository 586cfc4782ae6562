import type { Endpoint } from '../endpoint/endpoint.js';

/** The two endpoints of a job, as the actors reach them by side. */
export interface EndpointPair {
  sender: Endpoint;
  receiver: Endpoint;
}
