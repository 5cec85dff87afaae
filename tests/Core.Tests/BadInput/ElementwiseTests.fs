/// Bad input to elementwise ops, broadcasting, matmul and reductions.
module BadInput.ElementwiseTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open BadInputUtil

[<Tests>]
let tests =
    testList "BadInput.Elementwise" [
        testCase "broadcast failure names the op, both shapes, the dimension and the rule" <| fun () ->
            let e = raises<ShapeException, _> (fun () -> z [| 2; 3 |] + z [| 4 |]) []
            Expect.equal e.Message "add: shapes (2, 3) and (4,) cannot be broadcast: size 3 and size 4 differ at dimension 1 (sizes must match or one must be 1)" "exact"
            raises<ShapeException, _> (fun () -> Tensor.maximum (z [| 2; 3 |]) (z [| 4 |])) [ "maximum"; "(2, 3)"; "(4,)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.minimum (z [| 5 |]) (z [| 2; 3 |])) [ "minimum"; "(5,)"; "(2, 3)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.where (Creation.ofBool [| 2 |] [| true; false |]) (z [| 3 |]) (z [| 3 |])) [ "where"; "(2,)"; "(3,)" ] |> ignore
        testCase "null operands are ArgumentNullExceptions naming the side and the op" <| fun () ->
            raisesNull "b" "add" (fun () -> z [| 2 |] + nullT)
            raisesNull "a" "mul" (fun () -> nullT * z [| 2 |])
            raisesNull "b" "sub" (fun () -> z [| 2 |] - nullT)
            raisesNull "b" "div" (fun () -> z [| 2 |] / nullT)
            raisesNull "a" "maximum" (fun () -> Tensor.maximum nullT (z [| 2 |]))
            raisesNull "b" "minimum" (fun () -> Tensor.minimum (z [| 2 |]) nullT)
        testCase "a null input to a unary op is an ArgumentNullException naming 'x' (and the op where known)" <| fun () ->
            raisesNull "x" "tanh" (fun () -> Tensor.tanh nullT)
            raisesNull "x" "abs" (fun () -> Tensor.abs nullT)
            raisesNull "x" "clamp" (fun () -> Tensor.clamp 0.0 1.0 nullT)
            raisesNull "x" "neg" (fun () -> -nullT)
            raisesNull "x" "the input tensor is null" (fun () -> Tensor.sin nullT)
        testCase "where needs a bool condition" <| fun () ->
            raisesParam<ArgumentException, _> "cond" (fun () -> Tensor.where (z [| 3 |]) (z [| 3 |]) (z [| 3 |])) [ "where: condition must be a bool tensor, got torch.float32" ]
        testCase "clamp with min greater than max" <| fun () ->
            raisesParam<ArgumentException, _> "lo" (fun () -> Tensor.clamp 1.0 0.0 (z [| 2 |])) [ "clamp: min 1 is greater than max 0" ]
        testCase "matmul: 0-dim operands, inner sizes for 1-D/2-D/batched, batch broadcast, null" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.matmul (Tensor.scalar 1.0) (z [| 2 |])) [ "matmul: both arguments need at least 1 dimension, got () and (2,)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.matmul (z [| 3 |]) (z [| 2 |])) [ "matmul: cannot multiply (3,) by (2,): inner sizes 3 and 2 differ" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.matmul (z [| 2; 3 |]) (z [| 2 |])) [ "cannot multiply (2, 3) by (2,)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.matmul (z [| 2 |]) (z [| 3; 2 |])) [ "cannot multiply (2,) by (3, 2)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.matmul (z [| 2; 2; 3 |]) (z [| 2; 2; 3 |])) [ "inner sizes 3 and 2 differ" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.matmul (z [| 2; 2; 3 |]) (z [| 3; 3; 1 |])) [ "matmul"; "broadcast" ] |> ignore
            raisesNull "b" "matmul" (fun () -> Tensor.matmul (z [| 2; 2 |]) nullT)
            raisesNull "a" "matmul" (fun () -> Tensor.matmul nullT (z [| 2; 2 |]))
        testCase "reductions over a dimension out of range name the op and the valid range" <| fun () ->
            let e = raises<ShapeException, _> (fun () -> Tensor.sumDim 2 false (z [| 2; 3 |])) []
            Expect.equal e.Message "sum: dimension 2 is out of range for a tensor with 2 dimension(s) (expected -2..1)" "exact"
            raises<ShapeException, _> (fun () -> Tensor.sumDim -3 false (z [| 2; 3 |])) [ "sum: dimension -3" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.meanDim 5 false (z [| 2; 3 |])) [ "mean: dimension 5" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.maxDim 5 false (z [| 2; 3 |])) [ "max: dimension 5" ] |> ignore
            raises<ShapeException, _> (fun () -> Reductions.varDims [| 3 |] 1 false (z [| 2; 3 |])) [ "var: dimension 3" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.softmax 3 (z [| 2; 3 |])) [ "softmax: dimension 3"; "expected -2..1" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.logSoftmax -4 (z [| 2; 3 |])) [ "log_softmax: dimension -4" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.logsumexp 3 false (z [| 2; 3 |])) [ "logsumexp: dimension 3" ] |> ignore
        testCase "a dim repeated in the list, or a null list" <| fun () ->
            raisesParam<ShapeException, _> "dims" (fun () -> (z [| 2; 3 |]).Sum([| 0; 0 |], false)) [ "sum: dim 0 appears multiple times in the list of dims" ]
            raisesParam<ShapeException, _> "dims" (fun () -> (z [| 2; 3 |]).Sum([| 1; -1 |], false)) [ "dim 1 appears multiple times" ]
            raisesNull "dims" "sum" (fun () -> (z [| 2; 3 |]).Sum(null, false))
        testCase "linalg: non-square, fewer than 2 dims, integer input, incompatible right-hand side, null" <| fun () ->
            raises<ShapeException, _> (fun () -> Linalg.inv (z [| 2; 3 |])) [ "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices" ] |> ignore
            raises<ShapeException, _> (fun () -> Linalg.det (z [| 3 |])) [ "linalg.det: The input tensor A must have at least 2 dimensions." ] |> ignore
            raisesParam<ArgumentException, _> "A" (fun () -> Linalg.inv (i64 [| 2; 2 |] [| 1L; 0L; 0L; 1L |])) [ "linalg.inv: Expected a floating point or complex tensor as input. Got Long" ]
            raises<ShapeException, _> (fun () -> Linalg.solve (Tensor.eye 3) (z [| 2 |])) [ "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)" ] |> ignore
            raises<ShapeException, _> (fun () -> Linalg.lstsq (z [| 3; 2 |]) (z [| 4 |])) [ "input.size(-2) should match other.size(-2)" ] |> ignore
            raises<ShapeException, _> (fun () -> Linalg.vectorNorm 2.0 [| 3 |] false (z [| 2; 3 |])) [ "linalg.vector_norm: dimension 3 is out of range" ] |> ignore
            raisesNull "A" "linalg.inv" (fun () -> Linalg.inv nullT)
            raisesNull "dims" "linalg.vector_norm" (fun () -> Linalg.vectorNorm 2.0 null false (z [| 2; 3 |]))
        testCase "max/min/argmax of an empty tensor: PyTorch's text" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.max (z [| 0 |])) [ "max(): Expected reduction dim to be specified for input.numel() == 0." ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.min (z [| 0; 3 |])) [ "min(): Expected reduction dim to be specified" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.argmax (z [| 0 |])) [ "argmax(): Expected reduction dim" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.maxDim 0 false (z [| 0; 3 |])) [ "max(): Expected reduction dim 0 to have non-zero size." ] |> ignore
            // Also when the result would be empty (PyTorch 1.13 raises for (2, 0, 0) over dim 1).
            raises<ShapeException, _> (fun () -> Tensor.maxDim 1 true (z [| 2; 0; 0 |])) [ "max(): Expected reduction dim 1 to have non-zero size." ] |> ignore
            raises<ShapeException, _> (fun () -> Reductions.argminDim 0 false (z [| 0; 0; 5 |])) [ "argmin(): Expected reduction dim 0 to have non-zero size." ] |> ignore
    ]
