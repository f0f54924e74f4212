declare module '@stdlib/random-base-mt19937' {
  interface MT { (): number; normalized(): number; }
  const mt: { factory(opts: { seed: number }): MT; };
  export default mt;
}
