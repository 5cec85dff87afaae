/// Bad input to tensor creation: negative and null shapes, ragged or unsupported data, bad ranges.
module BadInput.CreationTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Random
open BadInputUtil

[<Tests>]
let tests =
    testList "BadInput.Creation" [
        testCase "zeros/ones/full with a negative size: PyTorch's text, prefixed by the op" <| fun () ->
            let e = raises<ShapeException, _> (fun () -> Tensor.zeros [| 2; -1 |]) []
            Expect.equal e.Message "zeros: Trying to create tensor with negative dimension -1: [2, -1]" "exact"
            raises<ShapeException, _> (fun () -> Tensor.ones [| -4 |]) [ "ones"; "negative dimension -4" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.full [| -3 |] 1.0) [ "full"; "negative dimension -3: [-3]" ] |> ignore
        testCase "a shape whose element count overflows names the count and the limit" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.zeros [| 65536; 65536 |]) [ "zeros"; "(65536, 65536)"; "4294967296 elements"; "at most" ] |> ignore
        testCase "rand/randn with a negative size (own generator)" <| fun () ->
            let g = Generator(1UL)
            raises<ShapeException, _> (fun () -> RandomTensors.rand g [| -3 |] Dtype.Float32) [ "rand"; "negative dimension -3" ] |> ignore
            raises<ShapeException, _> (fun () -> RandomTensors.randn g [| 2; -3 |] Dtype.Float32) [ "randn"; "negative dimension -3: [2, -3]" ] |> ignore
        testCase "uniform with from > to, normal with a negative or NaN std: PyTorch's text" <| fun () ->
            let g = Generator(2UL)
            raisesParam<ArgumentException, _> "high" (fun () -> RandomTensors.uniform g [| 3 |] 2.0 1.0 Dtype.Float32) [ "uniform_ expects to return a [from, to) range, but found from=2 > to=1" ]
            raisesParam<ArgumentException, _> "high" (fun () -> RandomTensors.uniform g [| 3 |] 0.0 nan Dtype.Float32) [ "from=0 > to=NaN" ]
            raisesParam<ArgumentException, _> "std" (fun () -> RandomTensors.normal g [| 3 |] 0.0 -1.0 Dtype.Float32) [ "normal expects std >= 0.0, but found std -1" ]
            raisesParam<ArgumentException, _> "std" (fun () -> RandomTensors.normal g [| 3 |] 0.0 nan Dtype.Float32) [ "but found std NaN" ]
            raisesParam<ArgumentException, _> "high" (fun () -> RandomTensors.randint g 5L 5L [| 3 |]) [ "randint: high (5) must be greater than low (5)" ]
            raisesParam<ArgumentException, _> "n" (fun () -> RandomTensors.randperm g -1) [ "randperm: n must be non-negative, got -1" ]
        testCase "a null shape is an ArgumentNullException naming 'shape' and the op" <| fun () ->
            raisesNull "shape" "zeros" (fun () -> Tensor.zeros null)
            raisesNull "shape" "full" (fun () -> Tensor.full null 1.0)
            raisesNull "shape" "rand" (fun () -> RandomTensors.rand (Generator(1UL)) null Dtype.Float32)
        testCase "arange: zero step, step of the wrong sign, non-finite bounds" <| fun () ->
            raisesParam<ArgumentException, _> "step" (fun () -> Tensor.arange 0.0 1.0 0.0) [ "arange: step must be nonzero" ]
            raisesParam<ArgumentException, _> "step" (fun () -> Tensor.arange 0.0 1.0 -1.0) [ "arange"; "upper bound 1 and lower bound 0 inconsistent with step sign -1" ]
            raisesParam<ArgumentException, _> "stop" (fun () -> Tensor.arange 0.0 nan 1.0) [ "arange: unsupported range: 0 -> NaN" ]
            raisesParam<ArgumentException, _> "stop" (fun () -> Tensor.arange 0.0 infinity 1.0) [ "arange: unsupported range: 0 -> Infinity" ]
        testCase "linspace with a negative number of steps" <| fun () ->
            raisesParam<ArgumentException, _> "steps" (fun () -> Tensor.linspace 0.0 1.0 -1) [ "linspace: number of steps must be non-negative, got -1" ]
        testCase "eye with a negative size" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.eye -1) [ "eye"; "negative dimension -1: [-1, -1]" ] |> ignore
            raises<ShapeException, _> (fun () -> Creation.eye 2 -1 Dtype.Float32) [ "eye"; "[2, -1]" ] |> ignore
        testCase "tensor from ragged nested arrays names the depth and both lengths" <| fun () ->
            raisesParam<ShapeException, _> "data" (fun () -> Tensor.create [| [| 1.0; 2.0 |]; [| 3.0 |] |]) [ "tensor: the nested data is not rectangular"; "expected 2 entries at depth 1, got 1" ]
            raisesParam<ShapeException, _> "data" (fun () -> Tensor.create [| [| 1.0 |]; [| 3.0; 4.0 |] |]) [ "expected 1 entries at depth 1, got 2" ]
        testCase "tensor from null, strings or a rectangular .NET array" <| fun () ->
            raisesNull "data" "tensor" (fun () -> Tensor.create null)
            raisesParam<ArgumentException, _> "data" (fun () -> Tensor.create "abc") [ "tensor: invalid data type 'String'" ]
            raisesParam<ArgumentException, _> "data" (fun () -> Tensor.create [| box 1.0; box "a" |]) [ "invalid data type 'String'" ]
            raisesParam<ArgumentException, _> "data" (fun () -> Tensor.create (Array2D.zeroCreate<float> 2 2)) [ "tensor: use jagged arrays (T[][])" ]
        testCase "flat data that does not fill the shape, and null data" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.ofArray [| 2; 2 |] [| 1.0f |]) [ "tensor: 1 values do not fill shape (2, 2) (4 elements)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.ofArray64 [| 3 |] [| 1.0; 2.0 |]) [ "tensor: 2 values do not fill shape (3,)" ] |> ignore
            raisesNull "data" "tensor" (fun () -> Tensor.ofArray [| 2 |] null)
            raisesNull "data" "tensor" (fun () -> Creation.ofInt64 [| 2 |] null)
            raisesNull "shape" "tensor" (fun () -> Tensor.ofArray null [| 1.0f |])
    ]
