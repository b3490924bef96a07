/**
 * A 0.3 kB WebAssembly module, assembled here byte by byte, with one SIMD function that runs the
 * multiscale step in one pass over the tfjs wasm backend's own heap (it imports that memory, so
 * no data is copied in or out):
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
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
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

const body: number[] = [
  ...[2, ...uleb(5), I32, ...uleb(3), V128], // locals: 5 × i32, 3 × v128
  ...get(N),
  ...i32(2),
  ...shl32,
  ...set(ROW), // ROW = 4n bytes
  ...i32(0),
  ...set(I),
  ...block,
  ...loop,
  ...get(I),
  ...get(M),
  ...i32(2),
  ...shl32,
  ...geU32,
  ...brIf(1),
  ...get(G),
  ...get(I),
  ...add32,
  ...load(),
  ...set(GV),
  // acc = γ_p·w − A·g
  ...get(W),
  ...get(I),
  ...add32,
  ...load(),
  ...get(C),
  ...splat32(0),
  ...fmul,
  ...get(GV),
  ...get(C),
  ...splat32(4),
  ...fmul,
  ...fsub,
  ...set(ACC),
  ...i32(0),
  ...set(J),
  ...get(I),
  ...set(OFF),
  ...get(C),
  ...i32(8),
  ...add32,
  ...set(CP),
  ...block,
  ...loop,
  ...get(J),
  ...get(R),
  ...geU32,
  ...brIf(1),
  ...get(S),
  ...get(OFF),
  ...add32,
  ...load(),
  ...set(SV),
  // acc += c_j·x
  ...get(ACC),
  ...get(SV),
  ...get(CP),
  ...splat32(8),
  ...fmul,
  ...fadd,
  ...set(ACC),
  // outS = d_j·x − a_j·g
  ...get(OS),
  ...get(OFF),
  ...add32,
  ...get(SV),
  ...get(CP),
  ...splat32(0),
  ...fmul,
  ...get(GV),
  ...get(CP),
  ...splat32(4),
  ...fmul,
  ...fsub,
  ...store(),
  ...get(OFF),
  ...get(ROW),
  ...add32,
  ...set(OFF),
  ...get(CP),
  ...i32(12),
  ...add32,
  ...set(CP),
  ...get(J),
  ...i32(1),
  ...add32,
  ...set(J),
  ...br(0),
  ...end,
  ...end,
  ...get(OW),
  ...get(I),
  ...add32,
  ...get(ACC),
  ...store(),
  ...get(I),
  ...i32(16),
  ...add32,
  ...set(I),
  ...br(0),
  ...end,
  ...end,
  ...end,
];

/**
 * The module's bytes. Its one import is `env.memory` (a non-shared memory); its one export is
 * `step` (see the module comment).
 */
export function multiscaleStepWasmBytes(): Uint8Array<ArrayBuffer> {
  const params = 9;
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, params, ...Array<number>(params).fill(I32), 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('step'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
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

/** Instantiates the module against `memory`, or returns null where SIMD or the import fails. */
export function instantiateMultiscaleStep(memory: WebAssembly.Memory): MultiscaleStepWasm | null {
  try {
    const bytes = multiscaleStepWasmBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports.step as MultiscaleStepWasm;
  } catch {
    return null;
  }
}
