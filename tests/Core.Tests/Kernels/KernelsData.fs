/// Hex-pattern readers and bit-exact comparisons shared by the Kernels tests.
module KernelsData

open System
open System.Text.Json
open Expecto

/// float32 from an "0x........" bit pattern.
let f32 (s: string) = BitConverter.Int32BitsToSingle(int (Convert.ToUInt32(s.Substring 2, 16)))

/// float64 from an "0x................" bit pattern.
let f64 (s: string) = BitConverter.Int64BitsToDouble(int64 (Convert.ToUInt64(s.Substring 2, 16)))

/// The "hex" list of a {hex, dec} object (or a plain list of hex strings) as float32 values.
let hex32 (e: JsonElement) =
    let e = if e.ValueKind = JsonValueKind.Object then e.GetProperty "hex" else e
    [| for x in e.EnumerateArray() -> f32 (x.GetString()) |]

/// As hex32 for float64 patterns.
let hex64 (e: JsonElement) =
    let e = if e.ValueKind = JsonValueKind.Object then e.GetProperty "hex" else e
    [| for x in e.EnumerateArray() -> f64 (x.GetString()) |]

let private same32 (a: float32) (b: float32) =
    BitConverter.SingleToInt32Bits a = BitConverter.SingleToInt32Bits b || (Single.IsNaN a && Single.IsNaN b)

let private same64 (a: float) (b: float) =
    BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b || (Double.IsNaN a && Double.IsNaN b)

/// Asserts two float32 values are bit-identical (any NaN equals any NaN).
let bits32 (what: string) (expected: float32) (actual: float32) =
    if not (same32 expected actual) then
        failtestf "%s: expected %.9g (0x%08x), got %.9g (0x%08x)" what expected (BitConverter.SingleToInt32Bits expected) actual (BitConverter.SingleToInt32Bits actual)

/// Asserts two float64 values are bit-identical (any NaN equals any NaN).
let bits64 (what: string) (expected: float) (actual: float) =
    if not (same64 expected actual) then
        failtestf "%s: expected %.17g (0x%016x), got %.17g (0x%016x)" what expected (BitConverter.DoubleToInt64Bits expected) actual (BitConverter.DoubleToInt64Bits actual)

/// Asserts two float32 arrays are bit-identical element by element.
let arr32 (what: string) (expected: float32[]) (actual: float32[]) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. expected.Length - 1 do bits32 (sprintf "%s[%d]" what i) expected[i] actual[i]

/// Asserts two float64 arrays are bit-identical element by element.
let arr64 (what: string) (expected: float[]) (actual: float[]) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. expected.Length - 1 do bits64 (sprintf "%s[%d]" what i) expected[i] actual[i]

/// Count of float64 elements differing in their bits.
let mismatches64 (expected: float[]) (actual: float[]) =
    let mutable n = 0
    for i in 0 .. expected.Length - 1 do if not (same64 expected[i] actual[i]) then n <- n + 1
    n

/// The torch-made vectors of the kernels helper (tests/data/kernels_torch_extra.json).
let extra = lazy (TestData.json "kernels_torch_extra.json")

/// The single float32 of a one-element hex list.
let one32 (e: JsonElement) = (hex32 e)[0]

/// The single float64 of a one-element hex list.
let one64 (e: JsonElement) = (hex64 e)[0]
