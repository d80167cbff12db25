// Type declarations for microtrack.js (CONTRACT §1, §2).

export interface MicrotrackConfig {
  /** Where batches are POSTed: an http(s) URL or a same-origin path. Required. */
  collector: string;
  writeKey?: string;
  /** Events per request at most, 1–500. Default 20. */
  batchSize?: number;
  /** Longest wait of a queued event before a send, ms ≥ 250. Default 5000. */
  flushIntervalMs?: number;
  /** Beyond it the oldest events are dropped. Default 1000. */
  maxQueueSize?: number;
  /** Keep ids and unsent events in localStorage. Default true. */
  persist?: boolean;
  /** A page event at init and on SPA navigation. Default true. */
  autoPageview?: boolean;
  /** Scroll depth thresholds in percent. Default [25, 50, 75, 90, 100]. */
  scroll?: false | { thresholds?: number[] };
  /** Media milestones in percent, for <video>, <audio> and YouTube/Vimeo iframes; false turns all off. Default [10, 25, 50, 75, 90]. */
  video?: false | { milestones?: number[] };
  forms?: boolean;
  clicks?: false | { outbound?: boolean; downloads?: boolean | string[]; internalDomains?: string[] };
  visibility?: Array<{ name: string; selector: string; threshold?: number; minVisibleMs?: number }>;
  engagement?: false | { idleMs?: number; heartbeatMs?: number };
  goals?: Array<Record<string, unknown>>;
  /** Inactivity that starts a new session, ms. Default 1800000. */
  sessionTimeoutMs?: number;
  /** Share of visitors tracked, 0–1. Default 1. */
  sampleRate?: number;
  /** No tracking under Global Privacy Control or Do Not Track. Default true. */
  respectDoNotTrack?: boolean;
  /** Hold events until consent(true). Default false. */
  requireConsent?: boolean;
  /** Query parameters removed from every URL sent. */
  scrubQueryParams?: string[];
  debug?: boolean;
  /**
   * Where to load microtrack.wasm from. Default: next to microtrack.js (npm
   * package: the file the bundler emitted). A page that may not compile
   * WebAssembly imports this URL with '.js' added (microtrack.wasm.js).
   */
  wasmUrl?: string;
}

export type Properties = Record<string, unknown>;

/** An event as sent to the collector (CONTRACT §4). */
export interface MicrotrackEvent {
  type: 'page' | 'track' | 'identify';
  event?: string;
  name?: string;
  properties?: Properties;
  traits?: Properties;
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  context: Record<string, unknown>;
}

export interface Microtrack {
  (method: 'init', config: MicrotrackConfig): void;
  (method: 'track', name: string, properties?: Properties): void;
  (method: 'page', properties?: Properties): void;
  (method: 'identify', userId: string, traits?: Properties): void;
  (method: 'consent', granted: boolean): void;
  (method: 'flush'): Promise<void>;
  (method: 'reset'): void;
  (method: 'on', type: 'event', fn: (event: MicrotrackEvent) => void): () => void;
  init(config: MicrotrackConfig): void;
  track(name: string, properties?: Properties): void;
  page(properties?: Properties): void;
  identify(userId: string, traits?: Properties): void;
  consent(granted: boolean): void;
  /** Settles when the queue is empty or an attempt failed. */
  flush(): Promise<void>;
  /** New anonymousId and session; forgets userId. */
  reset(): void;
  /** Calls fn for every event accepted into the queue; returns an unsubscribe function. */
  on(type: 'event', fn: (event: MicrotrackEvent) => void): () => void;
  /** Resolves true once the core runs (WebAssembly, or its JavaScript build), false if it cannot start. */
  readonly ready: Promise<boolean>;
  readonly version: string;
}

declare global {
  interface Window {
    microtrack: Microtrack;
  }
}
