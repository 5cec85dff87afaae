/// PyTorch-style indexing, scatter/gather, stacking helpers, einsum, the kernels-to-ops additions
/// (asin, acos, trunc, atan2, minimum) and multi-input Hessians: values and gradients against torch 1.13
/// (tests/data/indexing.json, from tests/data/scripts/gen_indexing.py) and finite-difference checks.
module IndexingTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

module I = Indexing
module E = Elementwise

let private data = lazy (TestData.json "indexing.json")

let private tensorOf (e: JsonElement) =
    let shape = [| for s in e.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
    let values = e.GetProperty "data"
    if values.GetArrayLength() > 0 && values.[0].ValueKind <> JsonValueKind.Number then
        let bits = [| for v in values.EnumerateArray() -> v.GetBoolean() |]
        Tensor.ofArray64 shape (bits |> Array.map (fun b -> if b then 1.0 else 0.0)) |> fun t -> t.CompareScalar(Backend.CompareKind.Ne, 0.0)
    else Tensor.ofArray64 shape [| for v in values.EnumerateArray() -> v.GetDouble() |]

let private i64 (shape: int[]) (v: int64[]) = Creation.ofInt64 shape v
let private bools (shape: int[]) (v: bool[]) = (t64 shape (v |> Array.map (fun b -> if b then 1.0 else 0.0))).CompareScalar(Backend.CompareKind.Ne, 0.0)

/// Value and gradient of sum(f(xs) * w) against torch, with w the generator's cos weights.
let private golden (name: string) (f: Tensor[] -> Tensor) (inputs: Tensor[]) =
    testCase (name + " matches torch (value and gradient)") <| fun () ->
        let case = data.Force().GetProperty name
        let expected = tensorOf (case.GetProperty "value")
        let y = f inputs
        close 1e-12 (name + " value") y expected
        let w = (Tensor.ofArray64 [| 64 |] (Array.init 64 (fun i -> Math.Cos(float i)))).Narrow(0, 0, y.Numel).Reshape y.Shape
        let gs = Diff.grads (fun xs -> (f xs * w).Sum()) inputs
        case.GetProperty("grads").EnumerateArray() |> Seq.iteri (fun i g -> close 1e-12 (sprintf "%s gradient %d" name i) gs.[i] (tensorOf g))

let private u7 () = RandomTensors.linspace -0.9 0.9 7 Dtype.Float64
let private x () = tensorOf (data.Force().GetProperty "x")
let private x3 () = tensorOf (data.Force().GetProperty "x3")
let private throwsMsg<'E when 'E :> exn> (fragment: string) (f: unit -> unit) =
    let e = Expect.throwsC f id
    Expect.isTrue (e :? 'E) (sprintf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message)
    Expect.stringContains e.Message fragment "message"

[<Tests>]
let goldenTests =
    let idx = i64 [| 3 |] [| 2L; 0L; -1L |]
    let xv = lazy (x ())
    testList "Indexing.torch" [
        golden "index_tensor" (fun xs -> xs.[0].[idx]) [| x () |]
        golden "index_tensor_2d" (fun xs -> xs.[0].[i64 [| 2; 2 |] [| 0L; 1L; 2L; 2L |]]) [| x () |]
        golden "index_mask" (fun xs -> xs.[0].[xv.Force().CompareScalar(Backend.CompareKind.Gt, 0.0)]) [| x () |]
        golden "index_rowmask" (fun xs -> xs.[0].[bools [| 3 |] [| true; false; true |]]) [| x () |]
        golden "index_range" (fun xs -> xs.[0].[Range(Index 1, Index 3)]) [| x () |]
        golden "index_col" (fun xs -> xs.[0].Index(TensorIndex.op_Implicit Range.All, TensorIndex.op_Implicit 0)) [| x () |]
        golden "index_ellipsis_last" (fun xs -> xs.[0].Index(TensorIndex.Ellipsis, TensorIndex.op_Implicit (Index(1, true)))) [| x3 () |]
        golden "index_newaxis" (fun xs -> xs.[0].Index(TensorIndex.op_Implicit Range.All, TensorIndex.NewAxis, TensorIndex.op_Implicit (Range(Index 1, Index 3)))) [| x () |]
        golden "index_step" (fun xs -> xs.[0].Index(TensorIndex.Slice(Nullable 0, Nullable 4, 2))) [| x3 () |]
        golden "index_col_tensor" (fun xs -> xs.[0].Index(TensorIndex.op_Implicit Range.All, TensorIndex.op_Implicit idx)) [| x () |]
        golden "index_select_1" (fun xs -> I.indexSelect 1 (i64 [| 3 |] [| 3L; 0L; 3L |]) xs.[0]) [| x () |]
        golden "gather_1" (fun xs -> I.gather 1 (i64 [| 3; 2 |] [| 0L; 3L; 1L; 1L; 2L; 0L |]) xs.[0]) [| x () |]
        golden "scatter_0" (fun xs -> I.scatter 0 (i64 [| 1; 4 |] [| 2L; 0L; 1L; 2L |]) xs.[1] xs.[0]) [| x (); t64 [| 1; 4 |] [| 10.; 20.; 30.; 40. |] |]
        golden "scatter_add_1" (fun xs -> I.scatterAdd 1 (i64 [| 3; 2 |] [| 0L; 0L; 3L; 1L; 2L; 2L |]) xs.[1] xs.[0]) [| x (); t64 [| 3; 2 |] [| 1.; 2.; 3.; 4.; 5.; 6. |] |]
        golden "masked_fill" (fun xs -> I.maskedFill (xv.Force().CompareScalar(Backend.CompareKind.Gt, 0.0)) -7.5 xs.[0]) [| x () |]
        golden "where" (fun xs -> I.where (xv.Force().CompareScalar(Backend.CompareKind.Gt, 0.0)) xs.[0] xs.[1]) [| x (); Shapes.flip [| 0 |] (x ()) |]
        golden "vstack" (fun xs -> I.vstack xs) [| (x ()).[0]; (x ()).[1] |]
        golden "hstack_1d" (fun xs -> I.hstack xs) [| (x ()).[0]; (x ()).[1].Narrow(0, 0, 2) |]
        golden "hstack_2d" (fun xs -> I.hstack xs) [| x (); (x ()).Narrow(1, 0, 2) |]
        golden "repeat_interleave_dim" (fun xs -> I.repeatInterleave 2 (Some 0) xs.[0]) [| x () |]
        golden "repeat_interleave_flat" (fun xs -> I.repeatInterleave 3 None xs.[0]) [| (x ()).Narrow(0, 0, 2).Narrow(1, 0, 2) |]
        golden "tile" (fun xs -> I.tile [| 2 |] xs.[0]) [| x () |]
        golden "tile_more" (fun xs -> I.tile [| 2; 1; 2 |] xs.[0]) [| x () |]
        golden "asin" (fun xs -> E.asin xs.[0]) [| u7 () |]
        golden "acos" (fun xs -> E.acos xs.[0]) [| u7 () |]
        golden "trunc" (fun xs -> E.trunc xs.[0]) [| u7 () * 3.0 |]
        golden "atan2" (fun xs -> E.atan2 xs.[0] xs.[1]) [| u7 (); RandomTensors.linspace -1.3 1.1 7 Dtype.Float64 |]
        golden "minimum" (fun xs -> E.minimum xs.[0] xs.[1]) [| u7 (); t64 [| 1 |] [| 0.2 |] |]
        golden "maximum" (fun xs -> E.maximum xs.[0] xs.[1]) [| u7 (); t64 [| 1 |] [| 0.2 |] |]
        testCase "einsum matches torch on 13 equations (value and gradients)" <| fun () ->
            for case in data.Force().GetProperty("einsum").EnumerateArray() do
                let eq = case.GetProperty("equation").GetString()
                let ops = [| for o in case.GetProperty("operands").EnumerateArray() -> tensorOf o |]
                let y = I.einsum eq ops
                close 1e-12 (eq + " value") y (tensorOf (case.GetProperty "value"))
                let w = (Tensor.ofArray64 [| 64 |] (Array.init 64 (fun i -> Math.Cos(float i)))).Narrow(0, 0, y.Numel).Reshape y.Shape
                let gs = Diff.grads (fun xs -> (I.einsum eq xs * w).Sum()) ops
                case.GetProperty("grads").EnumerateArray() |> Seq.iteri (fun i g -> close 1e-12 (sprintf "%s gradient %d" eq i) gs.[i] (tensorOf g))
        testCase "hessianN and jacobianN match torch.autograd.functional on (u, v)" <| fun () ->
            let h = data.Force().GetProperty "hessian2"
            let u = tensorOf (h.GetProperty "u")
            let v = tensorOf (h.GetProperty "v")
            let f (xs: Tensor[]) =
                let u, v = xs.[0], xs.[1]
                (Tensor.pow 2.0 u).Sum() * (Tensor.sin v).Sum() + (Tensor.pow 3.0 (Tensor.outer u v)).Sum() + (Tensor.exp u * 0.1).Sum()
            let hs = Diff.hessianN f [| u; v |]
            h.GetProperty("blocks").EnumerateArray() |> Seq.iteri (fun i row ->
                row.EnumerateArray() |> Seq.iteri (fun j b -> close 1e-12 (sprintf "H[%d][%d]" i j) hs.[i].[j] (tensorOf b)))
            let js = Diff.jacobianN (fun xs -> Tensor.sin (Tensor.outer xs.[0] xs.[1])) [| u; v |]
            data.Force().GetProperty("jacobian2").GetProperty("blocks").EnumerateArray()
            |> Seq.iteri (fun i b -> close 1e-12 (sprintf "J[%d]" i) js.[i] (tensorOf b))
    ]

[<Tests>]
let errorTests =
    testList "Indexing.errors" [
        testCase "x[index] out of bounds names the index, dimension and size (PyTorch's text)" <| fun () ->
            throwsMsg<ArgumentOutOfRangeException> "index 5 is out of bounds for dimension 0 with size 3" (fun () -> (x ()).[i64 [| 1 |] [| 5L |]] |> ignore)
        testCase "x[mask] with a wrong mask shape uses PyTorch's text" <| fun () ->
            throwsMsg<ArgumentException> "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0" (fun () -> (x ()).[bools [| 2 |] [| true; false |]] |> ignore)
        testCase "float index tensors are rejected" <| fun () ->
            throwsMsg<ArgumentException> "tensors used as indices must be long or bool tensors" (fun () -> (x ()).[t64 [| 1 |] [| 0.0 |]] |> ignore)
        testCase "too many indices" <| fun () ->
            throwsMsg<ArgumentException> "too many indices for tensor of dimension 2" (fun () -> (x ()).Index(TensorIndex.op_Implicit 0, TensorIndex.op_Implicit 0, TensorIndex.op_Implicit 0) |> ignore)
        testCase "index_select names itself, not gather" <| fun () ->
            throwsMsg<ArgumentException> "index_select(): Index is supposed to be a vector" (fun () -> I.indexSelect 0 (i64 [| 1; 1 |] [| 0L |]) (x ()) |> ignore)
            throwsMsg<ArgumentOutOfRangeException> "index_select(): index out of range in self" (fun () -> I.indexSelect 0 (i64 [| 1 |] [| 3L |]) (x ()) |> ignore)
            throwsMsg<ArgumentException> "index_select(): Expected dtype int64 for index" (fun () -> I.indexSelect 0 (t64 [| 1 |] [| 0.0 |]) (x ()) |> ignore)
        testCase "scatter checks index values" <| fun () ->
            throwsMsg<ArgumentOutOfRangeException> "scatter_add: index 3 is out of bounds for dimension 0 with size 3" (fun () -> I.scatterAdd 0 (i64 [| 1; 1 |] [| 3L |]) (t64 [| 1; 1 |] [| 1.0 |]) (x ()) |> ignore)
        testCase "einsum errors use PyTorch's text" <| fun () ->
            let a = x ()
            throwsMsg<ArgumentException> "einsum(): subscript j has size 3 for operand 1 which does not broadcast with previously seen size 4" (fun () -> I.einsum "ij,jk->ik" [| a; a |] |> ignore)
            throwsMsg<ArgumentException> "einsum(): output subscript k does not appear in the equation for any input operand" (fun () -> I.einsum "ij->ik" [| a |] |> ignore)
            throwsMsg<ArgumentException> "einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0" (fun () -> I.einsum "ijk->i" [| a |] |> ignore)
        testCase "repeat_interleave rejects negative repeats" <| fun () ->
            throwsMsg<ArgumentException> "repeats can not be negative" (fun () -> I.repeatInterleave -1 None (x ()) |> ignore)
        testCase "Equals stays reference equality; op_Equality is elementwise" <| fun () ->
            let a = t64 [| 3 |] [| 1.; 2.; 3. |]
            let b = t64 [| 3 |] [| 1.; 5.; 3. |]
            Expect.isFalse (a.Equals b) "distinct tensors are not Equal"
            Expect.isTrue (a.Equals a) "a tensor Equals itself"
            Expect.sequenceEqual ((Tensor.op_Equality(a, b)).ToBoolArray()) [| true; false; true |] "=="
            Expect.sequenceEqual ((Tensor.op_Inequality(a, b)).ToBoolArray()) [| false; true; false |] "!="
            Expect.sequenceEqual ((Tensor.op_LessThan(a, 2.0)).ToBoolArray()) [| true; false; false |] "< scalar"
            Expect.sequenceEqual ((Tensor.op_GreaterThanOrEqual(2.0, a)).ToBoolArray()) [| true; true; false |] "scalar >="
            Expect.sequenceEqual ((Tensor.op_LessThanOrEqual(a, b)).ToBoolArray()) [| true; true; true |] "<="
            Expect.sequenceEqual ((Tensor.op_GreaterThan(b, a)).ToBoolArray()) [| false; true; false |] ">"
    ]

let private rng = normal
let private between lo hi shape = uniform lo hi shape

[<Tests>]
let gradChecks =
    let idx = i64 [| 4 |] [| 2L; 0L; -1L; 2L |]
    testList "Indexing.gradcheck" [
      for c in [
        unary "asin" (between -0.8 0.8 [| 2; 3 |]) E.asin true
        unary "acos" (between -0.8 0.8 [| 2; 3 |]) E.acos true
        unary "trunc (away from integers)" (awayFrom [ -1.0; 0.0; 1.0 ] 0.1 -1.5 1.5 [| 5 |]) E.trunc false
        binary "atan2 broadcast" (nonzero [| 2; 3 |]) (nonzero [| 3 |]) E.atan2 true
        binary "minimum broadcast" (distinct [| 2; 3 |]) (uniform 5.0 6.0 [| 3 |] >> fun t -> t - 5.55) E.minimum false
        unary "t[index tensor]" (rng [| 3; 2 |]) (fun x -> x.[idx]) true
        unary "t[bool mask]" (rng [| 2; 3 |]) (fun x -> x.[bools [| 2; 3 |] [| true; false; true; true; false; false |]]) true
        unary "t[.., index]" (rng [| 2; 3 |]) (fun x -> x.Index(TensorIndex.op_Implicit Range.All, TensorIndex.op_Implicit idx)) true
        binary "scatter" (rng [| 3; 2 |]) (rng [| 2; 2 |]) (fun x s -> I.scatter 0 (i64 [| 2; 2 |] [| 2L; 0L; 1L; 2L |]) s x) true
        binary "scatterAdd with duplicates" (rng [| 3; 2 |]) (rng [| 2; 2 |]) (fun x s -> I.scatterAdd 0 (i64 [| 2; 2 |] [| 2L; 2L; 2L; 0L |]) s x) true
        unary "repeatInterleave" (rng [| 2; 3 |]) (I.repeatInterleave 2 (Some 1)) true
        unary "tile" (rng [| 2; 3 |]) (I.tile [| 2; 1; 2 |]) true
        binary "vstack" (rng [| 3 |]) (rng [| 2; 3 |]) (fun a b -> I.vstack [| a; b |]) true
        binary "einsum bij,bjk->bik" (rng [| 2; 2; 3 |]) (rng [| 2; 3; 2 |]) (fun a b -> I.einsum "bij,bjk->bik" [| a; b |]) true
        unary "einsum ii->i (diagonal)" (rng [| 3; 3 |]) (fun a -> I.einsum "ii->i" [| a |]) true
        nary "einsum ij,jk,kl->il" [ rng [| 2; 3 |]; rng [| 3; 2 |]; rng [| 2; 2 |] ] (fun xs -> I.einsum "ij,jk,kl->il" xs) true
      ] do yield! checks c
    ]
