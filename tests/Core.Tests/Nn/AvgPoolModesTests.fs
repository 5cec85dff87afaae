/// AvgPool1d(ceil_mode, count_include_pad) against torch 1.13 (tests/data/pool_ceil.json, avg_cases): the module,
/// F.avg_pool1d and the pure layer value give PyTorch's shapes, value bits and gradient bits in float32 and float64;
/// float64 finite-difference checks of both modes and the second order; PyTorch's messages for bad arguments.
module NnAvgPoolModesTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Ops

let private data = lazy (TestData.json "pool_ceil.json")

/// The case's input: the first `length` cells of the float64 (1, 2, 9) or float32 (2, 3, 11) signal.
let private inputOf (d: Text.Json.JsonElement) (c: Text.Json.JsonElement) =
    let len = c.GetProperty("length").GetInt32()
    if c.GetProperty("dtype").GetString() = "float64" then
        let input = TestData.nums (d.GetProperty "input")
        Tensor.ofArray64 [| 1; 2; len |] (Array.append input[0 .. len - 1] input[9 .. 9 + len - 1])
    else
        let all = TestData.nums (d.GetProperty "avg_input32")
        let rows = all.Length / 11
        let xs = [| for r in 0 .. rows - 1 do yield! all[r * 11 .. r * 11 + len - 1] |]
        Creation.ofDoubles [| 2; 3; len |] Dtype.Float32 xs

let private layer (l: Layer) (x: Tensor) = Layer.apply l Params.empty x

[<Tests>]
let tests =
    testList "Nn.AvgPoolModes" [
        testCase "AvgPool1d(ceil_mode, count_include_pad): torch 1.13's shapes, value and gradient bits (module, F.avg_pool1d, layer value)" <| fun () ->
            let d = data.Force()
            let mutable longer, excluded, float32s = 0, 0, 0
            for c in (d.GetProperty "avg_cases").EnumerateArray() do
                let gi (n: string) = c.GetProperty(n).GetInt32()
                let gb (n: string) = c.GetProperty(n).GetBoolean()
                let k, s, p, len = gi "kernel", gi "stride", gi "padding", gi "length"
                let ceil, cip = gb "ceil_mode", gb "count_include_pad"
                let label = sprintf "%s ceil_mode=%b count_include_pad=%b on %s length %d" (c.GetProperty("repr").GetString()) ceil cip (c.GetProperty("dtype").GetString()) len
                let shape = [| for e in c.GetProperty("shape").EnumerateArray() -> e.GetInt32() |]
                let expectedOut = TestData.nums (c.GetProperty "out")
                let expectedGrad = TestData.nums (c.GetProperty "grad")
                let m = AvgPool1d(k, s, p, ceil, cip)
                Expect.equal (m.ToString()) (c.GetProperty("repr").GetString()) (label + ": repr")
                let apply : (string * (Tensor -> Tensor)) list =
                    [ "module", m.Forward
                      "F.avg_pool1d", Convolution.avgPool1dWith k s p ceil cip
                      "layer value", layer (Layer.avgPool1dModes k s p ceil cip) ]
                for how, f in apply do
                    let x = (inputOf d c).RequiresGrad_()
                    let y = f x
                    Expect.equal y.Shape shape (label + ": shape (" + how + ")")
                    Expect.equal y.Dtype x.Dtype (label + ": dtype (" + how + ")")
                    Expect.equal (y.ToDoubleArray()) expectedOut (label + ": values (" + how + ")")
                    let w = Creation.ofDoubles shape x.Dtype [| for i in 1 .. Array.reduce (*) shape -> float i |] / 7.0
                    (y * w).Sum().Backward()
                    Expect.equal (x.Grad.ToDoubleArray()) expectedGrad (label + ": gradient (" + how + ")")
                if shape[2] > (len + 2 * p - k) / s + 1 then longer <- longer + 1
                if not cip && p > 0 then excluded <- excluded + 1
                if c.GetProperty("dtype").GetString() = "float32" then float32s <- float32s + 1
            Expect.equal longer 20 "ceil mode adds a window in 20 of the 128 cases"
            Expect.equal excluded 40 "40 cases leave the padding out of the divisor"
            Expect.equal float32s 64 "half the cases are float32"

        testCase "ceil mode's last window is clipped at the input plus padding; count_include_pad=False divides by the cells inside" <| fun () ->
            // L = 6, k = 3, s = 2, p = 1: windows [-1, 2), [1, 4), [3, 6), and in ceil mode [5, 8) cut to [5, 7) at
            // L + p, which holds one cell and one padding cell (divisor 2, or 1 without the padding).
            let x = Tensor.ofArray64 [| 1; 1; 6 |] [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |]
            let y = Convolution.avgPool1dWith 3 2 1 true true x
            Expect.equal (y.ToDoubleArray()) [| 1.0; 3.0; 5.0; 3.0 |] "count_include_pad=True"
            let y2 = Convolution.avgPool1dWith 3 2 1 true false x
            Expect.equal (y2.ToDoubleArray()) [| 1.5; 3.0; 5.0; 6.0 |] "count_include_pad=False"
            Expect.equal ((Convolution.avgPool1dWith 9 9 0 true true (Tensor.ofArray64 [| 1; 7 |] [| 1.0 .. 7.0 |])).ToDoubleArray()) [| 4.0 |]
                "kernel 9 on length 7 in ceil mode: one window of the 7 cells (PyTorch accepts it)"

        testCase "bad kernel, stride, padding and dimensions: PyTorch 1.13's messages in its order" <| fun () ->
            let z (shape: int[]) = Tensor.zeros shape
            let raises (expected: Type) (param: string) (f: unit -> Tensor) (text: string) =
                let e = Expect.throwsC (fun () -> f () |> ignore) id
                Expect.isTrue (expected.IsInstanceOfType e) (sprintf "%s expected, got %s: %s" expected.Name (e.GetType().Name) e.Message)
                Expect.stringContains e.Message text "message"
                if param <> "" then Expect.equal (e :?> ArgumentException).ParamName param "parameter name"
            let x = z [| 1; 2; 7 |]
            raises typeof<ArgumentOutOfRangeException> "stride" (fun () -> Convolution.avgPool1dWith 2 0 0 false true x) "stride should not be zero"
            raises typeof<ArgumentOutOfRangeException> "stride" (fun () -> (AvgPool1d(0)).Forward x) "stride should not be zero"
            raises typeof<ArgumentOutOfRangeException> "k" (fun () -> Convolution.avgPool1dWith 0 1 0 false true x) "kernel size should be greater than zero, but got kH: 1 kW: 0"
            raises typeof<ArgumentOutOfRangeException> "k" (fun () -> Convolution.avgPool1dWith -1 1 0 true false x) "kernel size should be greater than zero, but got kH: 1 kW: -1"
            raises typeof<ArgumentOutOfRangeException> "stride" (fun () -> Convolution.avgPool1dWith 2 -1 0 false true x) "stride should be greater than zero, but got dH: 1 dW: -1"
            raises typeof<ArgumentOutOfRangeException> "padding" (fun () -> Convolution.avgPool1dWith 3 1 -1 false true x) "pad must be non-negative, but got pad: -1"
            raises typeof<ArgumentOutOfRangeException> "padding" (fun () -> Convolution.avgPool1dWith 3 1 2 true false x) "pad should be at most half of kernel size, but got pad=2 and kernel_size=3"
            raises typeof<ArgumentOutOfRangeException> "padding" (fun () -> Convolution.avgPool1dWith 1 2 1 false true x) "pad should be at most half of kernel size, but got pad=1 and kernel_size=1"
            raises typeof<ArgumentOutOfRangeException> "padding" (fun () -> (AvgPool1d(-2, -1)).Forward x) "pad should be at most half of kernel size, but got pad=0 and kernel_size=-2"
            raises typeof<ShapeException> "" (fun () -> Convolution.avgPool1dWith 9 9 0 false true x) "Given input size: (2x1x7). Calculated output size: (2x1x0). Output size is too small"
            raises typeof<ShapeException> "" (fun () -> Convolution.avgPool1dWith 0 1 0 false true (z [| 7 |])) "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)"
            raises typeof<ShapeException> "" (fun () -> Convolution.avgPool1dWith 2 2 0 true true (z [| 1; 1; 1; 7 |])) "Expected 2 to 3 dimensions, but got 4-dimensional tensor"
    ]

/// Float64 first- and second-order checks: reverse and forward mode against central differences, and the Hessian
/// across all mode nestings, for each non-default combination of the flags.
[<Tests>]
let gradChecks =
    testList "Nn.AvgPoolModes.GradCheck" (
        [ for k, s, p, len in [ (3, 2, 1, 8); (4, 3, 2, 9); (4, 1, 2, 6); (2, 2, 1, 5) ] do
            for ceil, cip in [ (true, true); (true, false); (false, false) ] do
                let name = sprintf "AvgPool1d(%d, %d, %d, ceil_mode=%b, count_include_pad=%b) on L=%d" k s p ceil cip len
                yield GradCheck.unary name (GradCheck.normal [| 2; 2; len |]) (Convolution.avgPool1dWith k s p ceil cip) true
          yield GradCheck.unary "AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False) layer value, unbatched" (GradCheck.normal [| 3; 8 |])
                    (layer (Layer.avgPool1dModes 3 2 1 true false)) true ]
        |> List.collect GradCheck.checks)

/// MaxPool1d(ceil_mode=True) (vectors in PoolCeilTests): float64 reverse and forward mode against central
/// differences, the inputs pairwise distinct so each window's maximum is unique.
[<Tests>]
let maxPoolCeilGradChecks =
    testList "Nn.PoolCeil.GradCheck" (
        [ for k, s, p, d, len in [ (2, 2, 0, 1, 9); (3, 2, 1, 1, 8); (2, 3, 1, 2, 9); (4, 3, 2, 1, 8) ] ->
            GradCheck.unary (sprintf "MaxPool1d(%d, %d, %d, dilation=%d, ceil_mode=True) on L=%d" k s p d len)
                (GradCheck.distinct [| 1; 2; len |]) (Convolution.maxPool1dCeil k s p d true) false ]
        |> List.collect GradCheck.checks)

/// The issue's "bad input" cases not covered elsewhere: a bidirectional RNN's hidden state of the wrong shape
/// (torch 1.13's messages, generated by hand: nn.RNN(1, 8, bidirectional=True, batch_first=True)).
[<Tests>]
let badHidden =
    testList "Nn.AvgPoolModes.BadInput" [
        testCase "a bidirectional RNN refuses h0 of the wrong shape with PyTorch's message" <| fun () ->
            let m = RNN(1, 8, batchFirst = true, bidirectional = true, generator = Random.Generator(0UL))
            let x = Tensor.zeros [| 3; 5; 1 |]
            for h, message in [ [| 1; 3; 8 |], "Expected hidden size (2, 3, 8), got [1, 3, 8]"
                                [| 2; 3; 4 |], "Expected hidden size (2, 3, 8), got [2, 3, 4]"
                                [| 2; 8 |], "For batched 3-D input, hx should also be 3-D but got 2-D tensor" ] do
                let e = Expect.throwsC (fun () -> m.ForwardWithHidden(x, Tensor.zeros h) |> ignore) id
                Expect.isTrue (e :? ShapeException) (sprintf "ShapeException for h0 %A, got %s" h (e.GetType().Name))
                Expect.stringContains e.Message message (sprintf "h0 %A" h)
    ]
