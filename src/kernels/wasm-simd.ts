/**
 * Small WebAssembly modules, assembled here byte by byte, whose SIMD functions run the multiscale
 * step (and the tridiagonal coupled step, the k = 1 step, and the Bayesian step with its
 * innovation sum; the Bayesian step is built for each k and pivot) in one pass over the tfjs wasm
 * backend's own heap (they import that memory, so no data is copied in or out):
 *
 * ```
 * step(w, g, s, outW, outS, m, n, consts, r)   // byte pointers except m, n, r
 *   for i in 0, 4, …, m−4:                     // m = n rounded down to a multiple of 4
 *     acc = γ_p·w[i:i+4] − A·g[i:i+4]
 *     for j in 0 … r−1:                        // row j of the slot starts at s + 4·j·n
 *       x = s[j][i:i+4]; acc += c_j·x; outS[j][i:i+4] = d_j·x − a_j·g[i:i+4]
 *     outW[i:i+4] = acc
 * ```
 * `consts` points at float32 [γ_p, A, d_0, a_0, c_0, d_1, a_1, c_1, …].
 */

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...[...text].map((ch) => ch.charCodeAt(0))];
}

// Opcodes (WebAssembly core + fixed-width SIMD proposal, as shipped in every current engine).
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const add32 = [0x6a];
const geU32 = [0x4f];
const shl32 = [0x74];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];
const end = [0x0b];
const load = (offset = 0) => [0xfd, 0x00, 0x04, ...uleb(offset)];
const store = (offset = 0) => [0xfd, 0x0b, 0x04, ...uleb(offset)];
const splat32 = (offset: number) => [0xfd, 0x09, 0x02, ...uleb(offset)];
const fadd = [0xfd, 0xe4, 0x01];
const fsub = [0xfd, 0xe5, 0x01];
const fmul = [0xfd, 0xe6, 0x01];

// Parameters, then locals.
const [W, G, S, OW, OS, M, N, C, R] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [I, J, OFF, CP, ROW] = [9, 10, 11, 12, 13];
const [GV, ACC, SV] = [14, 15, 16];

/** Concatenates instructions (one call per line of the algorithm, to keep it readable). */
const seq = (...parts: number[][]): number[] => parts.flat();

const body: number[] = [
  ...seq([2, ...uleb(5), I32, ...uleb(3), V128]), // locals: 5 × i32, 3 × v128
  ...seq(get(N), i32(2), shl32, set(ROW)), // ROW = 4n bytes per slot row
  ...seq(i32(0), set(I)),
  ...seq(block, loop), // for (i = 0; i < 4m; i += 16)
  ...seq(get(I), get(M), i32(2), shl32, geU32, brIf(1)),
  ...seq(get(G), get(I), add32, load(), set(GV)),
  // acc = γ_p·w − A·g
  ...seq(get(W), get(I), add32, load(), get(C), splat32(0), fmul),
  ...seq(get(GV), get(C), splat32(4), fmul, fsub, set(ACC)),
  ...seq(i32(0), set(J), get(I), set(OFF), get(C), i32(8), add32, set(CP)),
  ...seq(block, loop), // for (j = 0; j < r; j++)
  ...seq(get(J), get(R), geU32, brIf(1)),
  ...seq(get(S), get(OFF), add32, load(), set(SV)),
  // acc += c_j·x
  ...seq(get(ACC), get(SV), get(CP), splat32(8), fmul, fadd, set(ACC)),
  // outS[j] = d_j·x − a_j·g
  ...seq(get(OS), get(OFF), add32),
  ...seq(get(SV), get(CP), splat32(0), fmul, get(GV), get(CP), splat32(4), fmul, fsub, store()),
  ...seq(get(OFF), get(ROW), add32, set(OFF)),
  ...seq(get(CP), i32(12), add32, set(CP)),
  ...seq(get(J), i32(1), add32, set(J)),
  ...seq(br(0), end, end),
  // outW = acc
  ...seq(get(OW), get(I), add32, get(ACC), store()),
  ...seq(get(I), i32(16), add32, set(I)),
  ...seq(br(0), end, end),
  ...end,
];

// tridiagonal(inPtrs, outPtrs, coefs, k, m, g): for every entry i < m (m a multiple of 4) and
// coordinate j,
//   out_j[i] = l_j·x_{j−1}[i] + d_j·x_j[i] + u_j·x_{j+1}[i] + b_j·g[i]
// where inPtrs holds k+2 row pointers [x_{−1}, x_0, …, x_{k−1}, x_k] (the two ends are any
// readable row, with l_0 = u_{k−1} = 0), outPtrs k row pointers, coefs float32 [l, d, u, b] × k.
// Like `step`, it walks the entries once, 8 at a time (m a multiple of 8), and for each runs down the coordinates
// with a sliding window (x_{j−1}, x_j, x_{j+1}) in registers: every row is read once and written
// once per step.
const [IN, OUT, CO, K, M3, G3] = [0, 1, 2, 3, 4, 5];
const [I3, END3, J3, P3, Q3, C3] = [6, 7, 8, 9, 10, 11];
// Two vectors (8 entries) per iteration: a = entries I…I+3, b = I+4…I+7.
const [GA, PA, CA, NA, GB, PB, CB, NB, LV, DV, UV, BV] = [
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
];
const loadI32 = (offset: number) => [0x28, 0x02, ...uleb(offset)];
const rowAt = (table: number, offset: number) => seq(get(table), loadI32(offset), get(I3), add32);
/** l·prev + d·cur + u·next, then + b·g (coefficients in locals for the whole row). */
const combine = (prev: number, cur: number, next: number) =>
  seq(get(prev), get(LV), fmul, get(cur), get(DV), fmul, fadd, get(next), get(UV), fmul, fadd);
const tail = (g: number) => seq(get(g), get(BV), fmul, fadd);

const tridiagonalBody: number[] = [
  ...seq([2, ...uleb(6), I32, ...uleb(12), V128]), // locals: 6 × i32, 12 × v128
  ...seq(get(M3), i32(2), shl32, set(END3), i32(0), set(I3)),
  ...seq(block, loop), // for (i = 0; i < 4m; i += 32)
  ...seq(get(I3), get(END3), geU32, brIf(1)),
  ...seq(get(G3), get(I3), add32, load(), set(GA), get(G3), get(I3), add32, load(16), set(GB)),
  ...seq(rowAt(IN, 0), load(), set(PA), rowAt(IN, 0), load(16), set(PB)),
  ...seq(rowAt(IN, 4), load(), set(CA), rowAt(IN, 4), load(16), set(CB)),
  ...seq(get(IN), i32(8), add32, set(P3), get(OUT), set(Q3), get(CO), set(C3), i32(0), set(J3)),
  ...seq(block, loop), // for (j = 0; j < k; j++)
  ...seq(get(J3), get(K), geU32, brIf(1)),
  ...seq(get(C3), splat32(0), set(LV), get(C3), splat32(4), set(DV)),
  ...seq(get(C3), splat32(8), set(UV), get(C3), splat32(12), set(BV)),
  ...seq(rowAt(P3, 0), load(), set(NA), rowAt(P3, 0), load(16), set(NB)),
  ...seq(rowAt(Q3, 0), combine(PA, CA, NA), tail(GA), store()),
  ...seq(rowAt(Q3, 0), combine(PB, CB, NB), tail(GB), store(16)),
  ...seq(get(CA), set(PA), get(NA), set(CA), get(CB), set(PB), get(NB), set(CB)),
  ...seq(get(P3), i32(4), add32, set(P3), get(Q3), i32(4), add32, set(Q3)),
  ...seq(get(C3), i32(16), add32, set(C3), get(J3), i32(1), add32, set(J3)),
  ...seq(br(0), end, end),
  ...seq(get(I3), i32(32), add32, set(I3)),
  ...seq(br(0), end, end),
  ...end,
];

/** v128 at pointer param `p` + local `iLocal`. */
const at = (p: number, iLocal: number) => seq(get(p), get(iLocal), add32);
const ld = (p: number, iLocal: number) => seq(at(p, iLocal), load());
const splatC = (c: number, index: number) => seq(get(c), splat32(4 * index));

const mul32 = [0x6c];

/**
 * The body of `bStep(W, G, S, OW, OS, M, N, C, R)` for k timescales and pivot p: the whole
 * 'shared' Bayesian step in one pass, `vectors` × 4 entries at a time (M a multiple of that),
 * with every row's pointer and constants in locals and the rows unrolled (straight-line code, so
 * its speed does not hang on the engine's loop unrolling; commit ee864db measured a generic loop
 * over the rows 1.5–2× slower at N = 10⁶, k = 5). Each row is read once and written once; the
 * variances stay in registers for the means. Constants at C (bytes):
 * 0: [1/σ², 1/D, ĥ scale, γ_p]; 16 + 16i (variance row i < k): [γ_i², q_i];
 * 16 + 16k + 16r (mean row r < k−1, the subweights other than p in order): [γ_i, γ_i − γ_p].
 * ```
 *   V = Σ_i v_i; ĝ = c0·g; STEP = c1·ĝ; H = c2·ĝ²
 *   out v_i = γ_i²·v_i·(1 − H·v_i·c1) + q_i
 *   acc = γ_p·(w − V·STEP); for each mean row: post = m − v_i·STEP; acc += (γ_i − γ_p)·post;
 *   out m = γ_i·post; out w = acc
 * ```
 * R is unused (k is built in).
 */
export function bayesianStepBody(k: number, pivot: number, vectors: 1 | 2 = 2): number[] {
  const rows = 2 * k - 1;
  const others = Array.from({ length: k }, (_, i) => i).filter((i) => i !== pivot);
  // i32 locals: I, END, ROWB, then the input and output row pointers.
  const [I, END, ROWB] = [9, 10, 11];
  const sRow = (j: number) => 12 + j;
  const oRow = (j: number) => 12 + rows + j;
  const nI32 = 3 + 2 * rows;
  let next = 9 + nI32;
  const v128 = (count: number) => Array.from({ length: count }, () => next++);
  const [C0, C1, C2, GP, ONE] = v128(5);
  const varK0 = v128(k);
  const varK1 = v128(k);
  const meanK0 = v128(k - 1);
  const meanK1 = v128(k - 1);
  const lanes = Array.from({ length: vectors }, (_, u) => ({
    extra: 16 * u,
    x: v128(k),
    V: v128(1)[0] as number,
    X: v128(1)[0] as number,
    ST: v128(1)[0] as number,
    H: v128(1)[0] as number,
    ACC: v128(1)[0] as number,
    P: v128(1)[0] as number,
  }));
  const nV128 = next - 9 - nI32;
  const at = (ptr: number, extra: number) => seq(get(ptr), get(I), add32, load(extra));
  const addr = (ptr: number) => seq(get(ptr), get(I), add32);
  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) body.push(...part);
  };
  emit(seq(get(N), i32(2), shl32, set(ROWB)));
  for (let j = 0; j < rows; j++) {
    emit(seq(get(S), get(ROWB), i32(j), mul32, add32, set(sRow(j))));
    emit(seq(get(OS), get(ROWB), i32(j), mul32, add32, set(oRow(j))));
  }
  emit(seq(get(M), i32(2), shl32, set(END), i32(0), set(I)));
  emit(seq(get(C), splat32(0), set(C0), get(C), splat32(4), set(C1)));
  emit(seq(get(C), splat32(8), set(C2), get(C), splat32(12), set(GP)));
  emit(seq([0xfd, 0x0c, ...Array<number[]>(4).fill([0, 0, 0x80, 0x3f]).flat()], set(ONE)));
  for (let i = 0; i < k; i++) {
    emit(seq(get(C), splat32(16 + 16 * i), set(varK0[i] as number)));
    emit(seq(get(C), splat32(20 + 16 * i), set(varK1[i] as number)));
  }
  for (let r = 0; r < k - 1; r++) {
    emit(seq(get(C), splat32(16 + 16 * k + 16 * r), set(meanK0[r] as number)));
    emit(seq(get(C), splat32(20 + 16 * k + 16 * r), set(meanK1[r] as number)));
  }
  emit(seq(block, loop, get(I), get(END), geU32, brIf(1)));
  for (const { extra, x, V, X, ST, H, ACC, P } of lanes) {
    const xi = (i: number) => x[i] as number;
    // V = Σ v_i (each v_i kept in a register)
    for (let i = 0; i < k; i++) {
      emit(seq(at(sRow(k - 1 + i), extra), set(xi(i))));
      emit(i === 0 ? seq(get(xi(0)), set(V)) : seq(get(V), get(xi(i)), fadd, set(V)));
    }
    // ĝ = c0·g, STEP = c1·ĝ, H = c2·ĝ²
    emit(seq(at(G, extra), get(C0), fmul, set(X), get(X), get(C1), fmul, set(ST)));
    emit(seq(get(X), get(X), fmul, get(C2), fmul, set(H)));
    // out v_i = K0·v·(1 − H·v·c1) + K1
    for (let i = 0; i < k; i++) {
      emit(seq(addr(oRow(k - 1 + i)), get(varK0[i] as number), get(xi(i)), fmul));
      emit(seq(get(ONE), get(H), get(xi(i)), fmul, get(C1), fmul, fsub, fmul));
      emit(seq(get(varK1[i] as number), fadd, store(extra)));
    }
    // acc = γ_p·(w − V·STEP); the means
    emit(seq(at(W, extra), get(V), get(ST), fmul, fsub, get(GP), fmul, set(ACC)));
    others.forEach((i, r) => {
      emit(seq(at(sRow(r), extra), get(xi(i)), get(ST), fmul, fsub, set(P)));
      emit(seq(get(ACC), get(P), get(meanK1[r] as number), fmul, fadd, set(ACC)));
      emit(seq(addr(oRow(r)), get(P), get(meanK0[r] as number), fmul, store(extra)));
    });
    emit(seq(addr(OW), get(ACC), store(extra)));
  }
  emit(seq(get(I), i32(16 * vectors), add32, set(I), br(0), end, end));
  return [...seq([2, ...uleb(nI32), I32, ...uleb(nV128), V128]), ...body, ...end];
}

// sgd1(W, G, OW, m, c): OW = c0·W − c1·G for m entries (a multiple of 4): the k = 1 step, with
// its two constants splatted once, outside the loop (the general `step` reloads them per vector).
const sgd1: number[] = [
  ...seq([2, ...uleb(2), I32, ...uleb(2), V128]), // I=5, END=6; A=7, B=8
  ...seq(get(3), i32(2), shl32, set(6), i32(0), set(5)),
  ...seq(splatC(4, 0), set(7), splatC(4, 1), set(8)),
  ...seq(block, loop),
  ...seq(get(5), get(6), geU32, brIf(1)),
  ...seq(at(2, 5), get(7), ld(0, 5), fmul, get(8), ld(1, 5), fmul, fsub, store()),
  ...seq(get(5), i32(16), add32, set(5)),
  ...seq(br(0), end, end),
  ...end,
];

// bInnov(G, ROW0, ROWB, K, M, C, ACC): the 'shared' innovation's reduction in float64, so it
// matches `innovationSum`: per entry ĝ = c·g (c: the f64 at C, 1/σ²), V = Σ_{r<K} row0[r] and
// t = ĝ²V; finite terms are added lane-wise into an f64x2 accumulator stored at ACC (16 bytes),
// whose two lanes the caller adds. Locals: I=7, END=8, J=9, OFF=10; X=11, VLO=12, VHI=13,
// GLO=14, GHI=15, T=16, SUM=17, C0=18 (v128).
const f64add = [0xfd, 0xf0, 0x01];
const f64sub = [0xfd, 0xf1, 0x01];
const f64mul = [0xfd, 0xf2, 0x01];
const f64eq = [0xfd, 0x47];
const vand = [0xfd, 0x4e];
const promoteLow = [0xfd, 0x5f];
/** Lanes 2 and 3 of an f32x4 (in local `x`) as lanes 0 and 1, then promoted to f64x2. */
const promoteHigh = (x: number) =>
  seq(
    get(x),
    get(x),
    [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
    promoteLow,
  );
/** SUM += t where t = (g·c)²·v is finite (t − t is 0 only then; NaN ≠ NaN drops the rest). */
const addFinite = (gLocal: number, vLocal: number) =>
  seq(
    seq(get(gLocal), get(18), f64mul, set(gLocal)),
    seq(get(gLocal), get(gLocal), f64mul, get(vLocal), f64mul, set(16)),
    seq(get(16), get(16), f64sub, set(11)),
    seq(get(17), get(16), get(11), get(11), f64eq, vand, f64add, set(17)),
  );
const bInnov: number[] = [
  ...seq([2, ...uleb(4), I32, ...uleb(8), V128]),
  ...seq(get(4), i32(2), shl32, set(8), i32(0), set(7)),
  ...seq(get(5), [0xfd, 0x0a, 0x03, 0x00], set(18)),
  ...seq([0xfd, 0x0c, ...Array<number>(16).fill(0)], set(17)),
  ...seq(block, loop),
  ...seq(get(7), get(8), geU32, brIf(1)),
  ...seq(ld(0, 7), set(11), get(11), promoteLow, set(14), promoteHigh(11), set(15)),
  ...seq(ld(1, 7), set(11), get(11), promoteLow, set(12), promoteHigh(11), set(13)),
  ...seq(get(7), get(2), add32, set(10), i32(1), set(9)),
  ...seq(block, loop),
  ...seq(get(9), get(3), geU32, brIf(1)),
  ...seq(get(1), get(10), add32, load(), set(11)),
  ...seq(get(12), get(11), promoteLow, f64add, set(12)),
  ...seq(get(13), promoteHigh(11), f64add, set(13)),
  ...seq(get(10), get(2), add32, set(10), get(9), i32(1), add32, set(9)),
  ...seq(br(0), end, end),
  ...addFinite(14, 12),
  ...addFinite(15, 13),
  ...seq(get(7), i32(16), add32, set(7)),
  ...seq(br(0), end, end),
  ...seq(get(6), get(17), store()),
  ...end,
];

/** A module importing `env.memory` (shared or not) and exporting `functions` (i32 params only). */
function moduleBytes(
  shared: boolean,
  functions: { name: string; params: number; body: number[] }[],
): Uint8Array {
  // Memory limits: min 1 page; a shared memory (threaded tfjs build) must declare a maximum.
  const limits = shared ? [0x03, 0x01, ...uleb(65536)] : [0x00, 0x01];
  const count = uleb(functions.length);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      ...count,
      ...functions.flatMap((f) => [0x60, f.params, ...Array<number>(f.params).fill(I32), 0]),
    ]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [...count, ...functions.map((_, i) => i)]),
    ...section(7, [...count, ...functions.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [...count, ...functions.flatMap((f) => [...uleb(f.body.length), ...f.body])]),
  ]);
}

/**
 * The module's bytes. Its one import is `env.memory` (shared or not, as asked); its exports are
 * `step` (the multiscale step), `tridiagonal` (a tridiagonal linear step), `sgd1` (k = 1) and
 * `bInnov` (the Bayesian innovation's reduction), each described above.
 */
export function multiscaleStepWasmBytes(shared = false): Uint8Array {
  return moduleBytes(shared, [
    { name: 'step', params: 9, body },
    { name: 'tridiagonal', params: 6, body: tridiagonalBody },
    { name: 'sgd1', params: 5, body: sgd1 },
    { name: 'bInnov', params: 7, body: bInnov },
  ]);
}

/** A module whose one export, `bStep`, is the Bayesian step for k timescales and pivot p. */
export function bayesianStepWasmBytes(
  k: number,
  pivot: number,
  shared = false,
  vectors: 1 | 2 = 2,
): Uint8Array {
  return moduleBytes(shared, [
    { name: 'bStep', params: 9, body: bayesianStepBody(k, pivot, vectors) },
  ]);
}

/** The `step` export's signature. */
export type MultiscaleStepWasm = (
  w: number,
  g: number,
  s: number,
  outW: number,
  outS: number,
  m: number,
  n: number,
  consts: number,
  r: number,
) => void;

/** The `tridiagonal` export's signature. */
export type TridiagonalStepWasm = (
  inPtrs: number,
  outPtrs: number,
  coefs: number,
  k: number,
  m: number,
  g: number,
) => void;

/** The module's exports (the `b*` functions: the Bayesian step, see above). */
export interface StepFunctions {
  step: MultiscaleStepWasm;
  tridiagonal: TridiagonalStepWasm;
  /** The k = 1 step: outW = c0·w − c1·g. */
  sgd1(w: number, g: number, outW: number, m: number, c: number): void;
  /**
   * The whole 'shared' Bayesian step for k timescales and pivot p, in one pass over m entries (a
   * multiple of 8; see `bayesianStepBody`), compiled on first use and kept; null where the engine
   * refuses to compile it (then the caller runs its JS loop).
   */
  bayesianStep(k: number, pivot: number): MultiscaleStepWasm | null;
  /** The 'shared' innovation's partial sums Σ (c·g)²·V over m entries (f64x2 stored at `acc`). */
  bInnov(
    g: number,
    row0: number,
    rowBytes: number,
    k: number,
    m: number,
    c: number,
    acc: number,
  ): void;
}

/** Instantiates `bytes` against `memory` (null where the engine refuses them). */
function instantiate(bytes: Uint8Array, memory: WebAssembly.Memory): WebAssembly.Exports | null {
  // The ArrayBuffer itself (a fresh, exact-size one), typed the same in every TS version.
  const buffer = bytes.buffer as ArrayBuffer;
  if (!WebAssembly.validate(buffer)) return null;
  return new WebAssembly.Instance(new WebAssembly.Module(buffer), { env: { memory } }).exports;
}

/**
 * `bStep` for k and pivot: two vectors per iteration, else one (about 60% of the code), else
 * null. A page's main thread may refuse to compile a module above 4 kB synchronously (Chrome on
 * some platforms; 8 MB elsewhere): with two vectors that is k ≥ 13, with one k ≥ 20 (both checked
 * in test/bayesian-fused.test.ts).
 */
function compileBayesianStep(
  k: number,
  pivot: number,
  shared: boolean,
  memory: WebAssembly.Memory,
): MultiscaleStepWasm | null {
  for (const vectors of [2, 1] as const) {
    try {
      const made = instantiate(bayesianStepWasmBytes(k, pivot, shared, vectors), memory);
      if (made !== null) return made.bStep as MultiscaleStepWasm;
    } catch {
      // Refused (size) or failed: try the smaller body, then give up.
    }
  }
  return null;
}

/** Instantiates the module against `memory`, or returns null where SIMD or the import fails. */
export function instantiateStepFunctions(memory: WebAssembly.Memory): StepFunctions | null {
  try {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const exports = instantiate(multiscaleStepWasmBytes(shared), memory);
    if (exports === null) return null;
    const steps = new Map<string, MultiscaleStepWasm | null>();
    const bayesianStep = (k: number, pivot: number): MultiscaleStepWasm | null => {
      const key = `${k},${pivot}`;
      if (!steps.has(key)) steps.set(key, compileBayesianStep(k, pivot, shared, memory));
      return steps.get(key) ?? null;
    };
    return { ...(exports as unknown as Omit<StepFunctions, 'bayesianStep'>), bayesianStep };
  } catch {
    return null;
  }
}
