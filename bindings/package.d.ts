// Type declarations for the npm package (dist/npm): the API of CONTRACT §1
// as named exports and as the default export. The script tag's
// window.microtrack is declared in microtrack.d.ts.
import type { Microtrack, MicrotrackConfig, MicrotrackEvent, Properties } from './microtrack';

export type { Microtrack, MicrotrackConfig, MicrotrackEvent, Properties };
export declare const init: Microtrack['init'];
export declare const track: Microtrack['track'];
export declare const page: Microtrack['page'];
export declare const identify: Microtrack['identify'];
export declare const consent: Microtrack['consent'];
export declare const reset: Microtrack['reset'];
export declare const flush: Microtrack['flush'];
export declare const on: Microtrack['on'];
export declare const ready: Microtrack['ready'];
export declare const version: string;
declare const microtrack: Pick<Microtrack, 'init' | 'track' | 'page' | 'identify' | 'consent' | 'reset' | 'flush' | 'on' |
  'ready' | 'version'>;
export default microtrack;
