/// Shared readers for the Random suites: hex bit patterns, call strings, bitwise comparisons.
module RandomTestUtil

open System
open System.Globalization
open System.Text.Json
open Expecto

let private hexDigits (s: string) = if s.StartsWith "0x" then s.Substring 2 else s

/// Float32 values from a JSON array of "0x…" bit patterns.
let hex32 (e: JsonElement) =
    [| for v in e.EnumerateArray() -> BitConverter.UInt32BitsToSingle(UInt32.Parse(hexDigits (v.GetString()), NumberStyles.HexNumber)) |]

/// Float64 values from a JSON array of "0x…" bit patterns.
let hex64 (e: JsonElement) =
    [| for v in e.EnumerateArray() -> BitConverter.UInt64BitsToDouble(UInt64.Parse(hexDigits (v.GetString()), NumberStyles.HexNumber)) |]

let int64s (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt64() |]
let uint64s (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetUInt64() |]
let ints (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt32() |]

/// Asserts two float32 arrays are equal bit for bit, naming the first differing index.
let expectBits32 (actual: float32[]) (expected: float32[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        let a = BitConverter.SingleToInt32Bits actual[i]
        let b = BitConverter.SingleToInt32Bits expected[i]
        if a <> b then
            failtestf "%s: element %d is %.9g (0x%08x), expected %.9g (0x%08x)" what i actual[i] a expected[i] b

/// Asserts two float64 arrays are equal bit for bit, naming the first differing index.
let expectBits64 (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        let a = BitConverter.DoubleToInt64Bits actual[i]
        let b = BitConverter.DoubleToInt64Bits expected[i]
        if a <> b then
            failtestf "%s: element %d is %.17g (0x%016x), expected %.17g (0x%016x)" what i actual[i] a expected[i] b

/// Parses "name(a,b,c)" into its name and numeric arguments (an empty tuple "()" gives no arguments).
let parseCall (call: string) =
    let open' = call.IndexOf '('
    let name = call.Substring(0, open')
    let inner = call.Substring(open' + 1, call.Length - open' - 2).Replace("(", "").Replace(")", "")
    let args =
        inner.Split(',', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
        |> Array.map (fun s -> Double.Parse(s, CultureInfo.InvariantCulture))
    name, args

/// Element count of a torch-style size call such as "rand(2,3)" or "randn(())".
let callNumel (call: string) =
    let _, args = parseCall call
    args |> Array.fold (fun acc d -> acc * int d) 1
