// The two functions of jstat (MIT, https://github.com/jstat/jstat) that `inference.ts` uses;
// jstat ships no type declarations.
declare module 'jstat' {
  const jStat: {
    studentt: {
      /** Quantile of Student's t with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
      /** Cumulative distribution function of Student's t. */
      cdf(x: number, dof: number): number;
    };
  };
  export default jStat;
}
