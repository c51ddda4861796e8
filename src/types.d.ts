// WGSL sources are imported as strings through Vite's `?raw` suffix: the .wgsl file is the only copy.
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
