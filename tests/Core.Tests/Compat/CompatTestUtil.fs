/// Readers for the NumPy/SciPy/scikit-learn vectors (doubles stored as IEEE bit patterns in hex).
module Compat.CompatTestUtil

open System
open System.Text.Json
open Expecto

/// A double from its 16-hex-digit big-endian bit pattern.
let hexDouble (e: JsonElement) =
    BitConverter.Int64BitsToDouble(Convert.ToInt64(e.GetString(), 16))

/// An array of doubles stored as hex bit patterns.
let hexDoubles (e: JsonElement) = [| for x in e.EnumerateArray() -> hexDouble x |]

/// An array of integers.
let int64s (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetInt64() |]

/// Bit patterns, so that NaN, -0.0 and the last bit all count.
let bits (a: float[]) = a |> Array.map BitConverter.DoubleToInt64Bits

/// Asserts two double arrays are identical bit for bit, naming the first differing index.
let equalBits (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        if BitConverter.DoubleToInt64Bits actual[i] <> BitConverter.DoubleToInt64Bits expected[i] then
            failtestf "%s: index %d is %.17g, numpy has %.17g" what i actual[i] expected[i]

/// Asserts that f throws exactly TException with a message containing fragment.
let throwsWith<'TException when 'TException :> exn> (f: unit -> unit) (fragment: string) (what: string) =
    let ex = Expect.throwsC f id
    Expect.equal (ex.GetType()) typeof<'TException> (what + ": exception type")
    Expect.stringContains ex.Message fragment (what + ": message")

/// The start of a JSON case, to name it in a failure message.
let label (e: JsonElement) =
    let s = e.GetRawText()
    s.Substring(0, min 70 s.Length)
