// structuredClone exists in Node 17+ and every browser the wall supports; shared/ has no
// Node or DOM types, so it is declared here alone.
declare function structuredClone<T>(value: T): T;
