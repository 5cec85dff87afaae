/// Strided views on the managed backend: random chains of views against the materialised kernels, writes through
/// any view seen by the base and every other view (against a model of storage positions), gradients through views,
/// the stride API and bad input.
module ViewTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Fluxion
open Fluxion.Ops
open Fluxion.Backend
open GradCheck

let private config =
    { FsCheckConfig.defaultConfig with maxTest = 150; replay = Some(0x71EB5EEDUL, 0x2545F4914F6CDD1DUL, None) }

/// One step of a chain, as raw random numbers read against the current shape (so every step is valid).
type private Step = { Kind: int; A: int; B: int; C: int }

let private genStep =
    gen {
        let! k = Gen.choose (0, 5)
        let! a = Gen.choose (0, 1000)
        let! b = Gen.choose (0, 1000)
        let! c = Gen.choose (0, 1000)
        return { Kind = k; A = a; B = b; C = c }
    }

let private genCase =
    gen {
        let! n = Gen.choose (1, 4)
        let! shape = Gen.arrayOfLength n (Gen.choose (1, 4))
        let! steps = Gen.listOfLength 6 genStep
        let! steps2 = Gen.listOfLength 4 genStep
        let! pick = Gen.choose (0, 10000)
        return shape, steps, steps2, pick
    }

/// Applies one step to the view under test and to the reference, a raw array the materialising kernels
/// (RawTensor.Permute/Slice/Expand/Reshape on a contiguous array) produce; both sides see the same shape.
let private apply (v: Tensor) (r: RawTensor) (s: Step) : Tensor * RawTensor =
    let sh = v.Shape
    let nd = sh.Length
    match s.Kind with
    | 0 when nd >= 2 ->
        // A permutation: a rotation by A then a swap of two dims.
        let perm = Array.init nd (fun i -> (i + s.A) % nd)
        let i, j = s.B % nd, s.C % nd
        let t = perm.[i] in perm.[i] <- perm.[j]; perm.[j] <- t
        v.Permute perm, r.Permute perm
    | 1 when nd >= 1 ->
        let d = s.A % nd
        let i = s.B % sh.[d]
        let starts = Array.zeroCreate nd
        starts.[d] <- i
        let lengths = Array.copy sh
        lengths.[d] <- 1
        let outShape = Array.append sh.[.. d - 1] sh.[d + 1 ..]
        v.Select(d, i), r.Slice(starts, lengths, Array.create nd 1).Reshape outShape
    | 2 when nd >= 1 ->
        // A slice with a step (narrow when the step is 1).
        let d = s.A % nd
        let size = sh.[d]
        let start = s.B % size
        let step = 1 + s.C % 3
        let stop = start + 1 + (s.C / 3) % (size - start)
        let len = (stop - start + step - 1) / step
        let starts = Array.zeroCreate nd
        starts.[d] <- start
        let steps = Array.create nd 1
        steps.[d] <- step
        let lengths = Array.copy sh
        lengths.[d] <- len
        v.Slice(d, start, stop, step), r.Slice(starts, lengths, steps)
    | 3 when nd < 5 ->
        let d = s.A % (nd + 1)
        let target = Array.concat [ sh.[.. d - 1]; [| 1 |]; sh.[d ..] ]
        Shapes.unsqueeze d v, r.Reshape target
    | 4 ->
        // Expand: a new leading dim or a size-1 dim grows.
        let ones = [| for i in 0 .. nd - 1 do if sh.[i] = 1 then yield i |]
        let size = 2 + s.B % 2
        if ones.Length > 0 && s.A % 3 <> 0 then
            let target = Array.copy sh
            target.[ones.[s.C % ones.Length]] <- size
            v.Expand target, r.Expand target
        elif nd < 5 then
            let target = Array.append [| size |] sh
            v.Expand target, r.Reshape(Array.append [| 1 |] sh).Expand target
        else v, r
    | 5 when nd >= 1 ->
        // View: merge two adjacent dims, or split one; skipped (on both sides) when the strides forbid it.
        let target =
            if nd >= 2 && s.A % 2 = 0 then
                let d = s.B % (nd - 1)
                Array.concat [ sh.[.. d - 1]; [| sh.[d] * sh.[d + 1] |]; sh.[d + 2 ..] ]
            else
                let d = s.B % nd
                let f = if sh.[d] % 2 = 0 then 2 else 1
                Array.concat [ sh.[.. d - 1]; [| f; sh.[d] / f |]; sh.[d + 1 ..] ]
        match (try Some(v.View target) with :? ShapeException -> None) with
        | Some w -> w, r.Reshape target
        | None -> v, r
    | _ -> v, r

let private run (v: Tensor) (r: RawTensor) (steps: Step list) =
    steps |> List.fold (fun (v, r) s -> apply v r s) (v, r)

/// Runs `f`, expecting an exception of type 'E, and returns it.
let private raises<'E when 'E :> exn> (f: unit -> unit) : 'E =
    let e = try f (); None with :? 'E as e -> Some e
    match e with
    | Some e -> e
    | None -> failtestf "expected %s" typeof<'E>.Name

let private baseValues (shape: int[]) = Array.init (Shape.numel shape) (fun i -> float i * 0.37 - 1.1)

[<Tests>]
let tests =
    testList "Tensor.Views" [
        testPropertyWithConfig config "a chain of views has the values of the materialised ops" <| Prop.forAll (Arb.fromGen genCase) (fun (shape, steps, _, _) ->
            let x = t64 shape (baseValues shape)
            let v, r = run x (x.Raw.Clone()) steps
            Expect.sequenceEqual v.Shape r.Shape "shape"
            Expect.sequenceEqual (v.ToDoubleArray()) (r.ToDoubleArray()) "values"
            // A kernel on the view reads the same values (it materialises at entry).
            Expect.sequenceEqual ((v * 2.0).ToDoubleArray()) (r.ToDoubleArray() |> Array.map (fun a -> a * 2.0)) "kernel on the view"
            Expect.isTrue (x.SharesStorageWith v || v.Numel = 0) "a view shares the base's storage")

        testPropertyWithConfig config "a write through a view is seen by the base and by every other view" <| Prop.forAll (Arb.fromGen genCase) (fun (shape, steps, steps2, pick) ->
            let n = Shape.numel shape
            let x = t64 shape (baseValues shape)
            // The model: the same chains over a tensor of storage positions, through the materialising kernels.
            let positions = ManagedBackend.Instance.OfInt64(Array.init n int64, shape)
            let v, pv = run x positions steps
            let v2, pv2 = run x positions steps2
            if v.Numel > 0 then
                let k = pick % v.Numel
                let vs = v.Shape
                let idx = Array.zeroCreate vs.Length
                let mutable rem = k
                for d in vs.Length - 1 .. -1 .. 0 do
                    idx.[d] <- rem % vs.[d]
                    rem <- rem / vs.[d]
                let value = 1000.0 + float k
                v.IndexPut_(idx |> Array.map TensorIndex.op_Implicit, value) |> ignore
                let expected = baseValues shape
                expected.[int (pv.ToInt64Array().[k])] <- value
                Expect.sequenceEqual (x.ToDoubleArray()) expected "the base sees the write"
                Expect.equal (v.ToDoubleArray().[k]) value "the view reads it back"
                let seen = pv2.ToInt64Array() |> Array.map (fun p -> expected.[int p])
                Expect.sequenceEqual (v2.ToDoubleArray()) seen "another view sees it"
                Expect.equal x.Version 1 "the base's version counter moved"
                Expect.equal v2.Version 1 "every view shares the version counter"
                // Fill through the whole view: every position it covers changes (expanded views allowed, as fill_).
                v.Fill_(-7.0) |> ignore
                for p in pv.ToInt64Array() do expected.[int p] <- -7.0
                Expect.sequenceEqual (x.ToDoubleArray()) expected "fill through the view")

        testPropertyWithConfig config "Contiguous copies exactly when the strides are not row-major" <| Prop.forAll (Arb.fromGen genCase) (fun (shape, steps, _, _) ->
            let x = t64 shape (baseValues shape)
            let v, _ = run x (x.Raw.Clone()) steps
            let c = v.Contiguous()
            if v.IsContiguous() then Expect.isTrue (obj.ReferenceEquals(c, v)) "contiguous: the same tensor"
            else
                Expect.isTrue (c.IsContiguous()) "a contiguous copy"
                Expect.isFalse (c.SharesStorageWith x) "with its own storage"
            Expect.sequenceEqual (c.ToDoubleArray()) (v.ToDoubleArray()) "same values"
            // Size-1 dimensions may keep any stride (PyTorch's is_contiguous ignores them).
            let rowMajor = Shape.strides c.Shape
            c.Stride() |> Array.iteri (fun i st -> if c.Shape.[i] > 1 then Expect.equal st rowMajor.[i] (sprintf "row-major stride %d" i)))

        testCase "strides and offsets of transpose, select, stepped slice and expand are PyTorch's" <| fun () ->
            // torch.arange(24.).view(2, 3, 4): .permute(2, 0, 1) strides (1, 12, 4); [1] offset 12 strides (4, 1);
            // [:, 1:3, ::2] offset 4 strides (12, 4, 2); .unsqueeze(1).expand(2, 5, 3, 4) strides (12, 0, 4, 1).
            let x = (RandomTensors.arange 0.0 24.0 1.0 Dtype.Float32).View [| 2; 3; 4 |]
            Expect.sequenceEqual (x.Permute([| 2; 0; 1 |]).Stride()) [| 1; 12; 4 |] "permute"
            Expect.isFalse (x.Permute([| 2; 0; 1 |]).IsContiguous()) "permute is not contiguous"
            let s = x.[1]
            Expect.equal (s.StorageOffset()) 12 "select offset"
            Expect.sequenceEqual (s.Stride()) [| 4; 1 |] "select strides"
            Expect.isTrue (s.IsContiguous()) "a row is contiguous"
            let sl = x.Index([| TensorIndex.op_Implicit Range.All; TensorIndex.op_Implicit (Range(Index 1, Index 3)); TensorIndex.Slice(Nullable(), Nullable(), 2) |])
            Expect.equal (sl.StorageOffset()) 4 "slice offset"
            Expect.sequenceEqual (sl.Stride()) [| 12; 4; 2 |] "slice strides"
            Expect.sequenceEqual (sl.ToDoubleArray()) [| 4.; 6.; 8.; 10.; 16.; 18.; 20.; 22. |] "slice values"
            let e = (Shapes.unsqueeze 1 x).Expand [| 2; 5; 3; 4 |]
            Expect.sequenceEqual (e.Stride()) [| 12; 0; 4; 1 |] "expand strides"
            Expect.equal (x.Stride -1) 1 "stride(-1)"
            Expect.equal (x.Permute([| 2; 0; 1 |]).DataPtr()) (x.DataPtr()) "same first element, same address"
            Expect.equal (s.DataPtr() - x.DataPtr()) (12L * 4L) "select: 12 float32 elements further"
            Expect.notEqual (x.Clone().DataPtr()) (x.DataPtr()) "a clone has its own storage"

        testCase "reshape copies only when it must; view refuses with PyTorch's message" <| fun () ->
            let x = (RandomTensors.arange 0.0 6.0 1.0 Dtype.Float32).View [| 2; 3 |]
            Expect.isTrue (x.Reshape([| 3; 2 |]).SharesStorageWith x) "contiguous: reshape is a view"
            let t = x.T
            let r = t.Reshape [| 6 |]
            Expect.isFalse (r.SharesStorageWith x) "transpose: reshape copies"
            Expect.sequenceEqual (r.ToDoubleArray()) [| 0.; 3.; 1.; 4.; 2.; 5. |] "in the transpose's order"
            Expect.isTrue ((Shapes.unsqueeze 0 t).SharesStorageWith x) "unsqueeze of a transpose is a view"
            Expect.isTrue (t.Reshape([| 3; 1; 2 |]).SharesStorageWith x) "adding a size-1 dim is a view"
            let ex = raises<ShapeException> (fun () -> t.View [| 6 |] |> ignore)
            Expect.stringStarts ex.Message "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead." "message"
            Expect.isTrue (obj.ReferenceEquals(x.Cast Dtype.Float32, x)) "To(same dtype) is the same tensor"

        testCase "writes into an expanded view are refused as in PyTorch, fill is allowed" <| fun () ->
            let x = Creation.zeros [| 3; 1 |] Dtype.Float32
            let e = x.Expand [| 3; 4 |]
            let ex = raises<InvalidOperationException> (fun () -> e.Copy_(Creation.ones [| 3; 4 |] Dtype.Float32) |> ignore)
            Expect.stringStarts ex.Message "unsupported operation: more than one element of the written-to tensor refers to a single memory location." "message"
            e.Fill_ 2.0 |> ignore
            Expect.sequenceEqual (x.ToDoubleArray()) [| 2.; 2.; 2. |] "fill writes the base"

        testCase "setters: scalar, broadcast row, mask and index tensor write into the base" <| fun () ->
            let x = Creation.zeros [| 2; 3 |] Dtype.Float64
            x.IndexPut_([| TensorIndex.op_Implicit 1; TensorIndex.op_Implicit 0 |], 0.1) |> ignore
            Expect.equal (x.ToDoubleArray().[3]) 0.1 "a float64 scalar is written exactly"
            x.[Range.All] <- t64 [| 3 |] [| 1.; 2.; 3. |]
            Expect.sequenceEqual (x.ToDoubleArray()) [| 1.; 2.; 3.; 1.; 2.; 3. |] "a row broadcast over the rows"
            let m = x.CompareScalar(CompareKind.Gt, 1.5)
            x.[m] <- t64 [||] [| -1.0 |]
            Expect.sequenceEqual (x.ToDoubleArray()) [| 1.; -1.; -1.; 1.; -1.; -1. |] "mask"
            let idx = Creation.ofInt64 [| 2 |] [| 1L; 0L |]
            x.T.[idx] <- t64 [| 2; 1 |] [| 7.; 8. |]
            // torch: x.T[torch.tensor([1, 0])] = torch.tensor([[7.], [8.]]) writes x's columns 1 and 0.
            Expect.sequenceEqual (x.ToDoubleArray()) [| 8.; 7.; -1.; 8.; 7.; -1. |] "index tensor through a transpose"
            Expect.equal x.Version 4 "one version per write"
            let ex = raises<ShapeException> (fun () -> x.[m] <- t64 [| 3 |] [| 1.; 2.; 3. |])
            Expect.stringStarts ex.Message "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [4]" "message"

        testCase "gradients through views are those of the materialised ops" <| fun () ->
            let w = t64 [| 2; 3 |] [| 1.; 2.; 3.; 4.; 5.; 6. |]
            let x = (t64 [| 2; 3 |] [| 0.; 1.; 2.; 3.; 4.; 5. |]).RequiresGrad_()
            let c = t64 [| 2; 2 |] [| 1.; 10.; 100.; 1000. |]
            // y = x.T[1:] (rows 1 and 2 of the transpose) times c; dL/dx = c placed at x[:, 1:] transposed.
            let y = x.T.Slice(0, 1, 3, 1)
            ((y * c).Sum()).Backward()
            Expect.sequenceEqual (x.Grad.ToDoubleArray()) [| 0.; 1.; 100.; 0.; 10.; 1000. |] "slice of a transpose"
            let x2 = w.RequiresGrad_()
            let e = (Shapes.unsqueeze 0 (x2.Select(1, 2))).Expand [| 4; 2 |]
            (e.Sum()).Backward()
            Expect.sequenceEqual (x2.Grad.ToDoubleArray()) [| 0.; 0.; 4.; 0.; 0.; 4. |] "expand of a select"
            let x3 = (t64 [| 2; 3 |] [| 0.; 1.; 2.; 3.; 4.; 5. |]).RequiresGrad_()
            let z = x3.T.Contiguous().View [| 6 |]
            ((z * t64 [| 6 |] [| 1.; 2.; 3.; 4.; 5.; 6. |]).Sum()).Backward()
            Expect.sequenceEqual (x3.Grad.ToDoubleArray()) [| 1.; 3.; 5.; 2.; 4.; 6. |] "view of a contiguous transpose"
            Expect.equal z.GradFnName "ViewBackward0" "grad_fn"

        testCase "a leaf's gradient owns a compact storage even when the backward rule gives a view" <| fun () ->
            // x.sum() gives an expanded gradient, x.T a transposed one; PyTorch's AccumulateGrad stores contiguous grads.
            let x = (t64 [| 2; 3 |] [| 0.; 1.; 2.; 3.; 4.; 5. |]).RequiresGrad_()
            (x.Sum()).Backward()
            Expect.isTrue (x.Grad.IsContiguous()) "sum: contiguous"
            x.Grad.Copy_(t64 [| 2; 3 |] [| 1.; 2.; 3.; 4.; 5.; 6. |]) |> ignore
            Expect.sequenceEqual (x.Grad.ToDoubleArray()) [| 1.; 2.; 3.; 4.; 5.; 6. |] "an in-place copy into .grad works"
            let y = (t64 [| 2; 3 |] [| 0.; 1.; 2.; 3.; 4.; 5. |]).RequiresGrad_()
            ((y.T * t64 [| 3; 2 |] [| 1.; 2.; 3.; 4.; 5.; 6. |]).Sum()).Backward()
            Expect.sequenceEqual (y.Grad.Stride()) [| 3; 1 |] "transpose: row-major"
            Expect.sequenceEqual (y.Grad.ToDoubleArray()) [| 1.; 3.; 5.; 2.; 4.; 6. |] "values"

        testCase "a view of a leaf that requires grad refuses a setter outside NoGrad, and writes inside" <| fun () ->
            let w = (Creation.zeros [| 2; 3 |] Dtype.Float32).RequiresGrad_()
            let ex = raises<InvalidOperationException> (fun () -> w.[0] <- t64 [||] [| 1.0 |])
            Expect.equal ex.Message "a view of a leaf Variable that requires grad is being used in an in-place operation." "message"
            using (GradMode.NoGrad()) (fun _ -> w.[0] <- t64 [||] [| 1.0 |])
            Expect.sequenceEqual (w.ToDoubleArray()) [| 1.; 1.; 1.; 0.; 0.; 0. |] "written in NoGrad"

        testCase "repeat copies as in PyTorch, expand shares (Unit 10, cell 9)" <| fun () ->
            let b = RandomTensors.linspace 0.0 1.0 4 Dtype.Float32
            let row = Shapes.unsqueeze 0 b
            let rep = Shapes.repeat [| 3; 1 |] row
            Expect.notEqual (rep.DataPtr()) (b.DataPtr()) "repeat has its own storage"
            Expect.isFalse (rep.SharesStorageWith b) "no shared storage"
            Expect.isTrue (rep.IsContiguous()) "contiguous like PyTorch's result"
            Expect.equal (row.Expand([| 3; -1 |]).DataPtr()) (b.DataPtr()) "expand is a view"
            let one = Shapes.repeat [| 1; 1 |] row
            Expect.isFalse (one.SharesStorageWith b) "even repeats of 1 copy"
            Expect.sequenceEqual (rep.ToFloat32Array()) [| for _ in 1 .. 3 do yield! b.ToFloat32Array() |] "values tiled"

        testCase "UntypedStorage is the whole storage, shared" <| fun () ->
            let x = (RandomTensors.arange 0.0 6.0 1.0 Dtype.Float64).View [| 2; 3 |]
            let s = x.T.[1].UntypedStorage()
            Expect.sequenceEqual (s.ToDoubleArray()) [| 0.; 1.; 2.; 3.; 4.; 5. |] "all six elements"
            s.[0] <- t64 [||] [| 9.0 |]
            Expect.equal (x.ToDoubleArray().[0]) 9.0 "shared"
    ]
