/// torch.set_printoptions as a process-wide setting: every repr (Tensor.ToString, complex reprs) follows it.
module Printing.PrintOptionsTests

open System
open System.Globalization
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Printing

let private parseHex (h: string) =
    let digits = h.Substring 2
    if digits.Length = 8 then float (BitConverter.Int32BitsToSingle(Int32.Parse(digits, NumberStyles.HexNumber)))
    else BitConverter.Int64BitsToDouble(Int64.Parse(digits, NumberStyles.HexNumber))

let private hexes (e: JsonElement) = [| for h in e.EnumerateArray() -> parseHex (h.GetString()) |]

/// The case's tensor rebuilt from its dtype and values; its ToString is what is compared.
let private tensorOf (c: JsonElement) : obj =
    let shape = [| for s in c.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
    let values = c.GetProperty "values"
    match c.GetProperty("dtype").GetString() with
    | "float32" -> box (Creation.ofFloat32 shape (hexes (values.GetProperty "hex") |> Array.map float32))
    | "float64" -> box (Creation.ofFloat64 shape (hexes (values.GetProperty "hex")))
    | "bool" -> box (Creation.ofBool shape [| for v in values.GetProperty("int").EnumerateArray() -> v.GetBoolean() |])
    | "int64" -> box (Creation.ofInt64 shape [| for v in values.GetProperty("int").EnumerateArray() -> v.GetInt64() |])
    | "complex64" ->
        let part (name: string) = Creation.ofFloat32 shape (hexes (values.GetProperty name) |> Array.map float32)
        box (ComplexTensor.Complex(part "real", part "imag"))
    | other -> failwithf "unexpected dtype %s" other

/// Applies one recorded set_printoptions call (only the keywords it names).
let private apply (call: JsonElement) =
    let intArg (name: string) =
        match call.TryGetProperty name with
        | true, v -> Nullable(v.GetInt32())
        | _ -> Nullable()
    let profile = match call.TryGetProperty "profile" with | true, v -> v.GetString() | _ -> null
    let sci = match call.TryGetProperty "sci_mode" with | true, v -> Nullable(v.GetBoolean()) | _ -> Nullable()
    PrintSettings.SetPrintOptions(intArg "precision", intArg "threshold", intArg "edgeitems", intArg "linewidth", profile, sci)

/// Runs f and always returns to PyTorch's defaults afterwards.
let private withDefaultsRestored (f: unit -> unit) =
    try f () finally PrintSettings.Set PrintOptions.Default

[<Tests>]
let tests =
    // Sequenced: the options are process-wide, so no other test may print while a case changes them.
    testSequenced <| testList "Printing.PrintOptions" [
        testList "print_options.json (PyTorch 1.13 set_printoptions sequences)" [
            for c in (TestData.json "print_options.json").GetProperty("cases").EnumerateArray() ->
                let desc = c.GetProperty("desc").GetString()
                testCase desc <| fun () ->
                    withDefaultsRestored (fun () ->
                        for call in c.GetProperty("calls").EnumerateArray() do apply call
                        Expect.equal (string (tensorOf c)) (c.GetProperty("repr").GetString()) desc)
        ]

        testCase "the defaults are PyTorch's and the default profile restores them" <| fun () ->
            withDefaultsRestored (fun () ->
                Expect.equal PrintSettings.Current PrintOptions.Default "start from the defaults"
                PrintSettings.SetPrintOptions(Nullable 2, Nullable 5, Nullable 1, Nullable 40, null, Nullable true)
                Expect.equal PrintSettings.Current { Precision = 2; Threshold = 5; EdgeItems = 1; LineWidth = 40; SciMode = Nullable true } "all set"
                PrintSettings.SetPrintOptions(Nullable(), Nullable(), Nullable(), Nullable(), "default", Nullable())
                Expect.equal PrintSettings.Current PrintOptions.Default "profile default")

        testCase "a setting made on one thread is seen by another" <| fun () ->
            withDefaultsRestored (fun () ->
                let t = Threading.Thread(fun () -> PrintSettings.SetPrintOptions(Nullable 1, Nullable(), Nullable(), Nullable(), null, Nullable()))
                t.Start()
                t.Join()
                Expect.equal (string (Creation.ofFloat32 [| 2 |] [| 0.25f; 1.5f |])) "tensor([0.2, 1.5])" "precision 1 from the other thread (0.25 rounds half to even)")

        testCase "an unknown profile and negative values are argument errors that leave the options unchanged" <| fun () ->
            withDefaultsRestored (fun () ->
                Expect.throwsC (fun () -> PrintSettings.SetPrintOptions(Nullable(), Nullable(), Nullable(), Nullable(), "long", Nullable()))
                    (fun e ->
                        Expect.isTrue (e :? ArgumentException) "ArgumentException"
                        Expect.stringContains e.Message "unknown profile 'long'" "names the profile"
                        Expect.stringContains e.Message "'short'" "lists the profiles")
                Expect.throwsC (fun () -> PrintSettings.SetPrintOptions(Nullable -1, Nullable(), Nullable(), Nullable(), null, Nullable()))
                    (fun e ->
                        Expect.isTrue (e :? ArgumentOutOfRangeException) "ArgumentOutOfRangeException"
                        Expect.stringContains e.Message "precision >= 0" "names the rule")
                Expect.equal PrintSettings.Current PrintOptions.Default "unchanged")
    ]
