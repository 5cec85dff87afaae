module Printing.TensorFormatTests

open System
open System.Globalization
open System.Text.Json
open Expecto
open FsCheck
open Fluxion.Printing

let private parseHex (h: string) =
    let digits = h.Substring 2
    if digits.Length = 8 then float (BitConverter.Int32BitsToSingle(Int32.Parse(digits, NumberStyles.HexNumber)))
    else BitConverter.Int64BitsToDouble(Int64.Parse(digits, NumberStyles.HexNumber))

let private optionsOf (c: JsonElement) =
    let mutable o = PrintOptions.Default
    match c.TryGetProperty "options" with
    | true, opts ->
        for p in opts.EnumerateObject() do
            match p.Name with
            | "precision" -> o <- { o with Precision = p.Value.GetInt32() }
            | "threshold" -> o <- { o with Threshold = p.Value.GetInt32() }
            | "edgeitems" -> o <- { o with EdgeItems = p.Value.GetInt32() }
            | "linewidth" -> o <- { o with LineWidth = p.Value.GetInt32() }
            | "sci_mode" -> o <- { o with SciMode = Nullable(p.Value.GetBoolean()) }
            | other -> failwithf "unknown print option %s" other
    | _ -> ()
    o

/// Rebuilds a case's repr from its shape, dtype, values and autograd flags.
let private render (c: JsonElement) =
    let shape = [| for s in c.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
    let dtype = c.GetProperty("dtype").GetString()
    let gradFn = match c.GetProperty("grad_fn").ValueKind with JsonValueKind.String -> Some(c.GetProperty("grad_fn").GetString()) | _ -> None
    let requiresGrad = c.GetProperty("requires_grad").GetBoolean()
    let values = c.GetProperty("values")
    let o = optionsOf c
    let numel = Array.fold (*) 1 shape
    let suffixes = TensorFormat.standardSuffixes dtype numel gradFn requiresGrad
    let repr =
        match dtype with
        | "float32" | "float64" ->
            let data = [| for h in values.GetProperty("hex").EnumerateArray() -> parseHex (h.GetString()) |]
            TensorFormat.formatFloatsWith o shape data suffixes
        | "bool" -> TensorFormat.formatBoolsWith o shape [| for v in values.GetProperty("int").EnumerateArray() -> v.GetBoolean() |] suffixes
        | _ -> TensorFormat.formatIntsWith o shape [| for v in values.GetProperty("int").EnumerateArray() -> v.GetInt64() |] suffixes
    match c.TryGetProperty "is_parameter" with
    | true, p when p.GetBoolean() -> TensorFormat.parameterRepr repr
    | _ -> repr

let private casesOf (file: string) =
    [ for c in (TestData.json file).GetProperty("tensors").EnumerateArray() -> c.GetProperty("desc").GetString(), c ]

let private suffixCases =
    [ for c in (TestData.json "repr.json").GetProperty("tensors").EnumerateArray() -> c ]

[<Tests>]
let tests =
    testList "Printing.TensorFormat" [
        testList "repr.json (PyTorch 1.13)" [
            for desc, c in casesOf "repr.json" ->
                testCase desc <| fun () -> Expect.equal (render c) (c.GetProperty("repr").GetString()) desc
        ]
        testList "tensor_reprs_extra.json (PyTorch 1.13, options, wrapping, nonfinite, ints)" [
            for desc, c in casesOf "tensor_reprs_extra.json" ->
                testCase desc <| fun () -> Expect.equal (render c) (c.GetProperty("repr").GetString()) desc
        ]

        testCase "dtype suffix shows for float64 and int32 but not the default dtypes" <| fun () ->
            Expect.equal (TensorFormat.standardSuffixes "float64" 2 None false) [ "dtype=torch.float64" ] "float64"
            Expect.equal (TensorFormat.standardSuffixes "int64" 2 None false) [] "int64 is a default dtype"
            Expect.equal (TensorFormat.standardSuffixes "int64" 0 None false) [ "dtype=torch.int64" ] "empty int64 shows its dtype"
            Expect.equal (TensorFormat.standardSuffixes "torch.float32" 1 (Some "AddBackward0") true) [ "grad_fn=<AddBackward0>" ] "grad_fn wins over requires_grad"

        testCase "formatSize prints torch.Size lists" <| fun () ->
            Expect.equal (TensorFormat.formatSize [| 100; 2 |]) "torch.Size([100, 2])" "2-D"
            Expect.equal (TensorFormat.formatSize [||]) "torch.Size([])" "0-dim"

        testProperty "formatSize round-trips any shape" <| fun (dims: NonNegativeInt list) ->
            let shape = dims |> List.map (fun (NonNegativeInt d) -> d) |> Array.ofList
            let s = TensorFormat.formatSize shape
            let inner = s.Substring("torch.Size([".Length, s.Length - "torch.Size([".Length - 2)
            let back = if inner = "" then [||] else inner.Split(", ") |> Array.map int
            s.StartsWith "torch.Size([" && s.EndsWith "])" && back = shape

        testProperty "suffixes only differ from the one-line form by line breaks before them" <| fun (len: PositiveInt) (sfx: PositiveInt list) ->
            let body = "tensor(" + String('x', len.Get % 150)
            let suffixes = sfx |> List.truncate 4 |> List.map (fun (PositiveInt n) -> "s=" + String('y', n % 90))
            let out = TensorFormat.addSuffixes body suffixes
            let flat = out.Replace(",\n       ", ", ")
            flat = body + String.Join("", suffixes |> List.map (fun s -> ", " + s)) + ")"

        testProperty "a single suffix wraps exactly when line length + 2 + suffix + 2 exceeds 80" <| fun (lastLine: NonNegativeInt) (sLen: NonNegativeInt) (multiLine: bool) ->
            let lastLen = lastLine.Get % 120
            let head = if multiLine then "tensor([1.,\n" else ""
            let body = head + (if multiLine then String(' ', lastLen) else "tensor(" + String('1', lastLen))
            let visible = body.Length - body.LastIndexOf('\n') - 1
            let suffix = "grad_fn=<" + String('A', sLen.Get % 80) + ">"
            let out = TensorFormat.addSuffixes body [ suffix ]
            let wrapped = out.EndsWith(",\n       " + suffix + ")")
            wrapped = (visible + 2 + suffix.Length + 2 > 80)

        testCase "the 80-column rule uses the last line only" <| fun () ->
            let body = "tensor([[1., 2.],\n        [3., 4.]]" // last line is 17 characters
            let suffix = String('z', 59) // 17 + 2 + 59 + 2 = 80 stays inline
            Expect.equal (TensorFormat.addSuffixes body [ suffix ]) (body + ", " + suffix + ")") "fits exactly"
            Expect.equal (TensorFormat.addSuffixes body [ suffix + "z" ]) (body + ",\n       " + suffix + "z)") "one more wraps"

        testCase "mismatched data length is rejected naming shape and counts" <| fun () ->
            Expect.throwsC (fun () -> TensorFormat.formatFloats [| 2; 2 |] [| 1.0 |] [] |> ignore) (fun e ->
                Expect.isTrue (e :? ArgumentException) "ArgumentException"
                Expect.stringContains e.Message "TensorFormat.formatFloats" "names the function"
                Expect.stringContains e.Message "[2, 2] holds 4 elements but 1" "names shape and counts")
    ]
