/// Bad input to shape and indexing ops: impossible targets, dims out of range, out-of-range indices.
module BadInput.ShapeOpTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open BadInputUtil

[<Tests>]
let tests =
    testList "BadInput.ShapeOps" [
        testCase "reshape/view: wrong element count, two -1s, a negative size, null" <| fun () ->
            let e = raises<ShapeException, _> (fun () -> Tensor.reshape [| 4; 2 |] (z [| 2; 3 |])) []
            Expect.equal e.Message "reshape: shape (4, 2) is invalid for input of size 6 (shape (2, 3))" "exact"
            raises<ShapeException, _> (fun () -> Tensor.view [| 5 |] (z [| 2; 3 |])) [ "view: shape (5,) is invalid for input of size 6" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.reshape [| -1; -1 |] (z [| 2; 3 |])) [ "reshape: only one dimension can be inferred, got (-1, -1)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.reshape [| -2; 3 |] (z [| 2; 3 |])) [ "reshape: invalid shape dimension -2 in (-2, 3)" ] |> ignore
            raisesNull "shape" "reshape" (fun () -> Tensor.reshape null (z [| 2; 3 |]))
            raisesNull "shape" "view" (fun () -> Tensor.view null (z [| 2; 3 |]))
        testCase "permute: wrong length, repeated dims, out of range, null" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.permute [| 0 |] (z [| 2; 3 |])) [ "permute: got 1 dimensions"; "(2, 3)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.permute [| 0; 0 |] (z [| 2; 3 |])) [ "permute: dimensions"; "repeat" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.permute [| 0; 2 |] (z [| 2; 3 |])) [ "permute: dimension 2 is out of range" ] |> ignore
            raisesNull "perm" "permute" (fun () -> Tensor.permute null (z [| 2; 3 |]))
        testCase "transpose/squeeze/unsqueeze/flip with dims out of range" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.transpose 0 2 (z [| 2; 3 |])) [ "transpose: dimension 2 is out of range"; "expected -2..1" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.squeezeDim 2 (z [| 2; 3 |])) [ "squeeze: dimension 2" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.unsqueeze 3 (z [| 2; 3 |])) [ "unsqueeze: dimension 3 is out of range for a tensor of shape (2, 3)" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.unsqueeze -4 (z [| 2; 3 |])) [ "unsqueeze: dimension -4" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.flip [| 2 |] (z [| 2; 3 |])) [ "flip: dimension 2" ] |> ignore
        testCase "expand: a non-1 dimension, fewer dims, null" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.expand [| 4; 3 |] (z [| 2; 3 |])) [ "expand: the shape (2, 3) cannot be expanded to (4, 3)"; "size-1" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.expand [| 3 |] (z [| 2; 3 |])) [ "expand"; "(3,)" ] |> ignore
            raisesNull "shape" "expand" (fun () -> Tensor.expand null (z [| 2; 3 |]))
        testCase "cat: empty, null list, null element, dim out of range, mismatched sizes, 0-dim" <| fun () ->
            raisesParam<ArgumentException, _> "xs" (fun () -> Tensor.cat 0 [||]) [ "cat: expected a non-empty list of tensors" ]
            raisesNull "xs" "cat" (fun () -> Tensor.cat 0 null)
            raisesParam<ArgumentNullException, _> "xs" (fun () -> Tensor.cat 0 [| z [| 2 |]; nullT |]) [ "cat: expected Tensor as element 1 in argument 0, but got null" ]
            raises<ShapeException, _> (fun () -> Tensor.cat 2 [| z [| 2; 3 |]; z [| 2; 3 |] |]) [ "cat: dimension 2 is out of range" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.cat 0 [| z [| 2; 3 |]; z [| 3 |] |]) [ "cat: tensor 1 has shape (3,) but tensor 0 has shape (2, 3); sizes must match except in dimension 0" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.cat 0 [| Tensor.scalar 1.0 |]) [ "cat: zero-dimensional tensor (at position 0) cannot be concatenated" ] |> ignore
        testCase "stack: empty, null, dim out of range (one more position than the inputs), unequal shapes" <| fun () ->
            raisesParam<ArgumentException, _> "xs" (fun () -> Tensor.stack 0 [||]) [ "stack: expected a non-empty list of tensors" ]
            raisesNull "xs" "stack" (fun () -> Tensor.stack 0 null)
            raises<ShapeException, _> (fun () -> Tensor.stack 3 [| z [| 2; 3 |]; z [| 2; 3 |] |]) [ "stack: dimension 3 is out of range"; "expected -3..2" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.stack 0 [| z [| 2; 3 |]; z [| 3; 2 |] |]) [ "stack: expects each tensor to be equal size, but got (2, 3) at entry 0 and (3, 2) at entry 1" ] |> ignore
        testCase "split/chunk: non-positive sizes, dims out of range" <| fun () ->
            raisesParam<ArgumentException, _> "size" (fun () -> Tensor.split 0 0 (z [| 4 |])) [ "split: size must be positive, got 0" ]
            raisesParam<ArgumentException, _> "size" (fun () -> Tensor.split -1 0 (z [| 4 |])) [ "got -1" ]
            raises<ShapeException, _> (fun () -> Tensor.split 2 1 (z [| 4 |])) [ "split: dimension 1 is out of range" ] |> ignore
            raisesParam<ArgumentException, _> "chunks" (fun () -> Tensor.chunk 0 0 (z [| 4 |])) [ "chunk: chunks must be positive, got 0" ]
        testCase "narrow: PyTorch's bounds instead of Python's silent clipping" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "length" (fun () -> Tensor.narrow 0 3 2 (z [| 4 |])) [ "narrow: start (3) + length (2) exceeds dimension size (4)." ]
            raisesParam<ArgumentOutOfRangeException, _> "length" (fun () -> Tensor.narrow 0 1 -1 (z [| 4 |])) [ "start (1) + length (-1) exceeds dimension size (4)." ]
            raisesParam<ArgumentOutOfRangeException, _> "start" (fun () -> Tensor.narrow 0 -5 1 (z [| 4 |])) [ "narrow: start -5 is out of range"; "[-4, 4]" ]
            raises<ShapeException, _> (fun () -> Tensor.narrow 1 0 1 (z [| 4 |])) [ "narrow: dimension 1 is out of range" ] |> ignore
            raisesParam<ShapeException, _> "dim" (fun () -> Tensor.narrow 0 0 1 (Tensor.scalar 1.0)) [ "narrow() cannot be applied to a 0-dim tensor." ]
            // The legal corners keep working: negative start, empty result at the end.
            Expect.equal ((Tensor.narrow 0 -2 2 (Tensor.arange 0.0 4.0 1.0)).ToFloat32Array()) [| 2.0f; 3.0f |] "narrow(-2, 2)"
            Expect.equal (Tensor.narrow 0 4 0 (z [| 4 |])).Shape [| 0 |] "narrow(4, 0)"
        testCase "select: index out of range, dim out of range, 0-dim input" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "index" (fun () -> Tensor.select 1 3 (z [| 2; 3 |])) [ "select: index 3 is out of bounds for dimension 1 with size 3 (shape (2, 3))" ]
            raisesParam<ArgumentOutOfRangeException, _> "index" (fun () -> (z [| 2; 3 |]).[-3]) [ "index -3"; "size 2" ]
            raises<ShapeException, _> (fun () -> Tensor.select 1 0 (z [| 4 |])) [ "select: dimension 1 is out of range" ] |> ignore
            raisesParam<ShapeException, _> "dim" (fun () -> Tensor.select 0 0 (Tensor.scalar 1.0)) [ "select() cannot be applied to a 0-dim tensor." ]
        testCase "gather/index_select: out-of-range and negative indices, float index, wrong rank, dim out of range" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "index" (fun () -> Tensor.gather 1 (i64 [| 1; 1 |] [| 7L |]) (z [| 2; 3 |])) [ "gather: index 7 is out of bounds for dimension 1 with size 3" ]
            raisesParam<ArgumentOutOfRangeException, _> "index" (fun () -> Tensor.gather 1 (i64 [| 1; 1 |] [| -1L |]) (z [| 2; 3 |])) [ "index -1 is out of bounds" ]
            raisesParam<ArgumentException, _> "index" (fun () -> Tensor.gather 1 (z [| 1; 1 |]) (z [| 2; 3 |])) [ "gather(): Expected dtype int64 for index, got torch.float32" ]
            raises<ShapeException, _> (fun () -> Tensor.gather 2 (i64 [| 1; 1 |] [| 0L |]) (z [| 2; 3 |])) [ "gather: dimension 2 is out of range" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.gather 1 (i64 [| 3; 1 |] [| 0L; 0L; 0L |]) (z [| 2; 3 |])) [ "gather: index shape (3, 1) exceeds input shape (2, 3) in dimension 0" ] |> ignore
            raisesParam<ArgumentOutOfRangeException, _> "index" (fun () -> Indexing.indexSelect 0 (i64 [| 1 |] [| 5L |]) (z [| 2; 3 |])) [ "index_select(): index out of range in self"; "index 5"; "size 2" ]
            raises<ShapeException, _> (fun () -> Indexing.indexSelect 0 (i64 [| 1; 1 |] [| 0L |]) (z [| 2; 3 |])) [ "index_select(): Index is supposed to be a vector, got shape (1, 1)" ] |> ignore
            raises<ShapeException, _> (fun () -> Indexing.indexSelect 3 (i64 [| 1 |] [| 0L |]) (z [| 2; 3 |])) [ "index_select: dimension 3 is out of range" ] |> ignore
        testCase "split/chunk of a 0-dim tensor (was an IndexOutOfRangeException)" <| fun () ->
            raisesParam<ShapeException, _> "x" (fun () -> Tensor.split 1 0 (Tensor.scalar 1.0)) [ "split expects at least a 1-dimensional tensor" ]
            raisesParam<ShapeException, _> "x" (fun () -> Tensor.chunk 2 0 (Tensor.scalar 1.0)) [ "chunk expects at least a 1-dimensional tensor" ]
        testCase "flip with a repeated dim (was an IndexOutOfRangeException) or null dims" <| fun () ->
            raisesParam<ShapeException, _> "dims" (fun () -> Tensor.flip [| 0; 0 |] (z [| 3 |])) [ "flip: dim 0 appears multiple times in the list of dims" ]
            raisesParam<ShapeException, _> "dims" (fun () -> Tensor.flip [| 1; -1 |] (z [| 2; 3 |])) [ "dim 1 appears multiple times" ]
            raisesNull "dims" "flip" (fun () -> Tensor.flip null (z [| 3 |]))
        testCase "expand with -1 in a new leading dimension" <| fun () ->
            raisesParam<ShapeException, _> "shape" (fun () -> Tensor.expand [| -1; 3 |] (z [| 3 |])) [ "expand: The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0" ]
        testCase "repeat and pad with null arrays" <| fun () ->
            raisesNull "repeats" "repeat" (fun () -> Tensor.repeat null (z [| 3 |]))
            raisesNull "pads" "pad" (fun () -> Tensor.pad null 0.0 (z [| 3 |]))
        testCase "repeat with too few repeats, pad of odd length" <| fun () ->
            raises<ShapeException, _> (fun () -> Tensor.repeat [| 2 |] (z [| 2; 3 |])) [ "repeat: number of repeats 1 cannot be smaller than the number of dimensions 2" ] |> ignore
            raisesParam<ShapeException, _> "pads" (fun () -> Tensor.pad [| 1 |] 0.0 (z [| 2; 3 |])) [ "pad: padding length 1 must be even" ]
    ]
