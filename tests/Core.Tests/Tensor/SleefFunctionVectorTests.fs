/// Values, VJPs and JVPs of tan, atan, asin, acos, erf, sinh, cosh, softplus and pow(x, scalar) on the managed
/// backend against torch 1.13 over a broad float32 range, bit for bit (sleef_functions.json, gen_sleef_functions.py):
/// 811 inputs per op as one tensor (SLEEF on the vector chunks, libm on the tail) and, for the kernels with a
/// scalar tail, in 15-element pieces (every element through the scalar code).
module SleefFunctionVectorTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

let private data = lazy (TestData.json "sleef_functions.json")

let private f32s = TestData.f32sOfHex

/// The cotangent and tangent sequences of the generator (exact in float32).
let private seqOf (n: int) (mult: int64) (div: float32) = Array.init n (fun i -> float32 ((int64 i * mult) % 2001L - 1000L) / div)

let private opOf (c: JsonElement) : Tensor -> Tensor =
    match c.GetProperty("op").GetString() with
    | "tan" -> Elementwise.tan
    | "atan" -> Elementwise.atan
    | "asin" -> Elementwise.asin
    | "acos" -> Elementwise.acos
    | "erf" -> Elementwise.erf
    | "sinh" -> Elementwise.sinh
    | "cosh" -> Elementwise.cosh
    | "softplus" -> Elementwise.softplus
    | "pow_scalar" -> let e = c.GetProperty("params").GetProperty("e").GetDouble() in fun x -> Tensor.Pow(x, e)
    | other -> failwithf "no engine call for %s" other

/// Value, VJP and JVP of f on x with the given cotangent and tangent.
let private run (f: Tensor -> Tensor) (x: float32[]) (cot: float32[]) (tan: float32[]) =
    let leaf = (Tensor.ofArray [| x.Length |] x).RequiresGrad_()
    let y = f leaf
    y.Backward(Tensor.ofArray [| x.Length |] cot)
    let t = Diff.jvp f (Tensor.ofArray [| x.Length |] x) (Tensor.ofArray [| x.Length |] tan)
    y.ToFloat32Array(), leaf.Grad.ToFloat32Array(), t.ToFloat32Array()

/// Elements whose bits differ (NaNs of any payload count as equal), as readable lines.
let private mismatches (what: string) (x: float32[]) (ours: float32[]) (theirs: float32[]) =
    [ for i in 0 .. x.Length - 1 do
        let a, b = ours.[i], theirs.[i]
        let same = (Single.IsNaN a && Single.IsNaN b) || BitConverter.SingleToInt32Bits a = BitConverter.SingleToInt32Bits b
        if not same then
            yield sprintf "%s[%d] x=%.9g: ours %.9g (0x%08x) torch %.9g (0x%08x)" what i x.[i] a (BitConverter.SingleToUInt32Bits a) b (BitConverter.SingleToUInt32Bits b) ]

let private check (c: JsonElement) (mode: string) =
    let root = data.Force()
    let n = root.GetProperty("n").GetInt32()
    let piece = root.GetProperty("piece").GetInt32()
    let x = f32s (c.GetProperty("x").GetString())
    Expect.equal x.Length n "input length"
    let cot = seqOf n 7919L 256.0f
    let tan = seqOf n 104729L 512.0f
    let f = opOf c
    let value, vjp, jvp =
        if mode = "whole" then run f x cot tan
        else
            let parts = [ for i in 0 .. piece .. n - 1 ->
                            let len = min piece (n - i)
                            run f (Array.sub x i len) (Array.sub cot i len) (Array.sub tan i len) ]
            let cat sel = parts |> List.map sel |> Array.concat
            cat (fun (v, _, _) -> v), cat (fun (_, g, _) -> g), cat (fun (_, _, t) -> t)
    let expected = c.GetProperty mode
    let bad =
        mismatches "value" x value (f32s (expected.GetProperty("value").GetString()))
        @ mismatches "vjp" x vjp (f32s (expected.GetProperty("vjp").GetString()))
        @ mismatches "jvp" x jvp (f32s (expected.GetProperty("jvp").GetString()))
    if not bad.IsEmpty then
        failtestf "%d elements differ from torch:\n%s" bad.Length (bad |> List.truncate 12 |> String.concat "\n")

let private name (c: JsonElement) =
    let op = c.GetProperty("op").GetString()
    match c.GetProperty("params").TryGetProperty "e" with
    | true, e -> sprintf "%s e=%g" op (e.GetDouble())
    | _ -> op

[<Tests>]
let tests =
    testList "SleefFunctionVectors" [
        for c in (TestData.json "sleef_functions.json").GetProperty("cases").EnumerateArray() do
            for mode in [ "whole"; "tail" ] do
                if c.TryGetProperty(mode) |> fst then
                    yield testCase (sprintf "%s (%s)" (name c) mode) <| fun () -> check c mode
    ]
