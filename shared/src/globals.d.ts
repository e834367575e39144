// structuredClone exists in Node 17+ and every browser the wall supports; shared/ has no
// Node or DOM types, so it is declared here alone.
declare function structuredClone<T>(value: T): T;

// The WHATWG URL (Node 10+ and every browser): only the parts photoShownAsImage reads.
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly port: string;
  readonly origin: string;
}
