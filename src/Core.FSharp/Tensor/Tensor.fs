namespace Fluxion

open System
open System.Collections.Generic
open Fluxion.Backend

/// An immutable n-dimensional array that can be differentiated: a constant, a forward-mode dual
/// (primal + tangent) or a reverse-mode node (primal + graph node), each at one nesting level.
[<CustomEquality; NoComparison>]
type Tensor =
    internal
    | TC of RawTensor
    | TF of fprimal: Tensor * tangent: Tensor * fnest: int
    | TR of rprimal: Tensor * node: RevNode * rnest: int

    /// The raw data of the innermost primal.
    member t.Raw: RawTensor =
        match t with
        | TC r -> if r.Retired then raise (StepScopeExit.Disposed r) else r
        | _ ->
            // Nested tensors walk their primals in a loop rather than recursively: every op reads this, and the
            // loop form gets the JIT's profile-guided inline type checks instead of a cast-helper call per level.
            let mutable x = t
            let mutable r = Unchecked.defaultof<RawTensor>
            while isNull (box r) do
                match x with
                | TC raw -> r <- raw
                | TF(p, _, _) -> x <- p
                | TR(p, _, _) -> x <- p
            if r.Retired then raise (StepScopeExit.Disposed r)
            r
    /// The shape as an array (C# sees this as `ShapeArray`; its `Shape` is the PyTorch-printing `Size`).
    [<CompiledName("ShapeArray")>]
    member t.Shape: int[] = t.Raw.Shape
    /// The shape as PyTorch's `torch.Size` (C# sees this as `Shape`).
    [<CompiledName("Shape")>]
    member t.Size: Size = Size(t.Raw.Shape)
    /// The element type.
    member t.Dtype: Dtype = t.Raw.Dtype
    /// Number of elements.
    member t.Numel: int = t.Raw.Numel
    /// Number of dimensions.
    member t.Dim: int = t.Raw.Shape.Length
    /// The value one nesting level down (the tensor itself for a constant).
    member t.Primal: Tensor =
        match t with
        | TC _ -> t
        | TF(p, _, _) -> p
        | TR(p, _, _) -> p
    /// The constant value with every derivative stripped (PyTorch's `detach`).
    member t.Detach() : Tensor =
        match t with
        | TC _ -> t
        | _ -> TC t.Raw
    /// Nesting level of the outermost derivative (-1 for a constant).
    member internal t.Nest =
        match t with
        | TC _ -> -1
        | TF(_, _, n) -> n
        | TR(_, _, n) -> n
    /// The forward-mode tangent of a dual (an error otherwise).
    member t.Tangent: Tensor =
        match t with
        | TF(_, d, _) -> d
        | _ -> invalidOp "this tensor carries no forward-mode tangent"
    /// True for a tensor that records operations for `Backward()` (PyTorch's requires_grad).
    member t.RequiresGrad =
        match t with
        | TR(_, _, n) -> n = NestTag.Imperative
        | _ -> false
    /// True for a leaf (a tensor made by the user, not by an op).
    member t.IsLeaf =
        match t with
        | TR(_, (:? LeafNode), _) -> true
        | TR _ -> false
        | _ -> true
    /// The accumulated gradient of a leaf that requires grad (null before the first backward).
    [<System.Runtime.CompilerServices.Nullable(2uy)>]
    member t.Grad: Tensor =
        match t with
        | TR(_, (:? LeafNode as l), _) -> l.Grad
        | _ -> Unchecked.defaultof<Tensor>
    /// Name of the op that made this tensor (PyTorch's grad_fn), or null.
    [<System.Runtime.CompilerServices.Nullable(2uy)>]
    member t.GradFnName: string =
        match t with
        | TR(_, n, _) when not (n :? LeafNode) -> n.Name
        | _ -> null
    /// Clears the accumulated gradient of a leaf (PyTorch's `grad = None`).
    member t.ZeroGrad() =
        match t with
        | TR(_, (:? LeafNode as l), _) ->
            let g = l.Grad
            // A Grad made in this step scope and dropped in it is an intermediate like any other.
            if StepScopeExit.Active && not (isNull (box g)) then
                let r = g.Raw
                if SweepBuffers.GradCleared r.StorageKey then StepScopeExit.Register r
            l.Grad <- Unchecked.defaultof<Tensor>
            if CaptureState.Capturing then CaptureState.Recorder.Zeroed.Add l |> ignore
        | _ -> ()

    /// Opens a step scope on this thread (`use _ = Tensor.StepScope()` around one training iteration): storage that
    /// ops inside make is returned to a per-length pool when the scope is disposed and reused by the next
    /// iteration, unless it escaped (a parameter, a leaf's Grad that is still set, a tensor passed to `Keep()`).
    /// Results are unchanged; a tensor made inside and used after the scope raises ObjectDisposedException.
    static member StepScope() : IDisposable = StepScopeExit.Enter()

    /// Runs `step` once (a normal, eager run) while recording every kernel it calls, and returns the recording:
    /// `Run()` replays those kernels on the same storages, with no graph, wrappers or allocation, and returns the
    /// same output tensor with the new values. Like a CUDA graph it replays what the capture saw: host values
    /// (Python-side scalars, a learning rate held in a local, branch decisions) are frozen, inputs must be fed by
    /// writing into the tensors the step read (e.g. `x.Raw.CopyFrom`), and the step must leave the state it found
    /// (call `ZeroGrad()` inside it). Optimizer steps re-read their step counts and learning rates on every replay.
    /// Anything a replay could not repeat (reading values on the host inside the step, random draws) raises
    /// NotSupportedException during the capture, and a step that leaves gradients set without clearing them (the
    /// eager loop would accumulate into them) raises InvalidOperationException. Kernels are recorded on the managed
    /// backend; when the step ran on another backend (the Torch one) nothing is kept and `Run()` runs the step again,
    /// eagerly, so backend-agnostic code keeps working (`KernelCount` is 0 then, and `Output` is the latest run's).
    static member Capture(step: Func<Tensor>) : CapturedStep =
        if isNull step then raise (ArgumentNullException("step", "Tensor.Capture: the step function is null"))
        if StepScopeExit.Active then
            raise (InvalidOperationException "Tensor.Capture: a capture cannot run inside a Tensor.StepScope (the scope would recycle storage the capture keeps); open the capture outside the scope")
        let recorder = CaptureState.Begin()
        // Ops take their hook path while recording, where each op's forward kernel is recorded as one step.
        OpHooks.Set(4, true)
        let output =
            try
                let o = step.Invoke()
                for l in recorder.MustEndClear do
                    match l with
                    | :? LeafNode as leaf when not (isNull (box leaf.Grad)) ->
                        raise (InvalidOperationException(sprintf "Tensor.Capture: the step leaves a .grad (shape %s) set that it did not clear first; the next eager step would add to it, while a replay sets it afresh. Call ZeroGrad() inside the step, before Backward() or after the update." (Shape.toString leaf.Grad.Shape)))
                    | _ -> ()
                o
            finally
                CaptureState.End()
                OpHooks.Set(4, false)
        if isNull (box output) then raise (ArgumentException("Tensor.Capture: the step returned null; return the tensor to read after each replay (e.g. the loss)", "step"))
        if not (output.Raw.Backend :? ManagedBackend) then CapturedStep([||], output, step, output.Raw.Backend.Name)
        else CapturedStep(recorder.Steps.ToArray(), output, null, null)

    /// Exempts this tensor's storage from the enclosing step scope's recycling, so it stays usable after the scope;
    /// returns the tensor (a no-op outside a scope).
    member t.Keep() : Tensor =
        SweepBuffers.Pin t.Raw.StorageKey
        t

    /// A leaf that records operations from now on (PyTorch's `requires_grad_()`); the data is shared.
    member t.RequiresGrad_() : Tensor =
        if not (Dtype.isFloat t.Dtype) then
            invalidArg "t" (sprintf "requires_grad: only floating point tensors can require gradients, got %s" (Dtype.name t.Dtype))
        // A leaf outlives any step scope it is made in.
        SweepBuffers.Pin t.Raw.StorageKey
        TR(TC t.Raw, LeafNode(), NestTag.Imperative)

    /// PyTorch's repr, e.g. `tensor([[-0.5204, -0.2723]], grad_fn=<AddmmBackward0>)`.
    override t.ToString() =
        let r = t.Raw
        let gradFn = match t.GradFnName with null -> None | n -> Some n
        let suffixes = Fluxion.Printing.TensorFormat.standardSuffixes (Dtype.name r.Dtype) r.Numel gradFn (t.RequiresGrad && t.IsLeaf)
        match r.Dtype with
        | Dtype.Int64 | Dtype.Int32 -> Fluxion.Printing.TensorFormat.formatInts r.Shape (r.ToInt64Array()) suffixes
        | Dtype.Bool -> Fluxion.Printing.TensorFormat.formatBools r.Shape (r.ToBoolArray()) suffixes
        | _ -> Fluxion.Printing.TensorFormat.formatFloats r.Shape (r.ToDoubleArray()) suffixes

    /// Reference equality, so tensors work as dictionary and set keys and F#'s `=` compares identity; C#'s `==`
    /// (op_Equality) is elementwise and gives a bool tensor, as in PyTorch/TorchSharp.
    override t.Equals(o) = obj.ReferenceEquals(t, o)
    /// The identity hash, consistent with the reference-based Equals.
    override t.GetHashCode() = Runtime.CompilerServices.RuntimeHelpers.GetHashCode t

    /// True when this tensor's outermost derivative is an imperative one that is switched off.
    static member inline internal Inactive(t: Tensor) =
        match t with
        | TR(_, _, 0) -> not GradMode.IsEnabled
        | _ -> false

    /// The ArgumentNullException for a null operand, naming the op by its grad_fn stem ("SinBackward0" → "sin").
    static member private NullInput(opName: string, param: string) : 'T =
        let stem = Text.RegularExpressions.Regex.Replace(opName, "Backward[0-9]*$", "")
        raise (ArgumentNullException(param, sprintf "%s: the input tensor is null" (stem.ToLowerInvariant())))

    /// Applies a unary op, propagating derivatives at every nesting level.
    static member ApplyUnary(op: UnaryOp, x: Tensor) : Tensor =
        if isNull (box x) then Tensor.NullInput(op.Name, "x")
        match x with
        | TC r ->
            if r.Retired then raise (StepScopeExit.Disposed r)
            if OpHooks.Flags = 0 then TC(op.Forward r)
            else
                let y = if CaptureState.Recording then Tensor.CapturedForward(op, r) elif StepScopeExit.Active then Tensor.ScopedForward(op, r) else op.Forward r
                if AnomalyExit.CheckForward then AnomalyMode.CheckForwardResult(op.Name, y)
                TC y
        | TF(xp, dx, n) ->
            let y = Tensor.ApplyUnary(op, xp)
            TF(y, op.Jvp(xp, dx, y), n)
        | TR(xp, _, n) ->
            let y = Tensor.ApplyUnary(op, xp)
            if Tensor.Inactive x then y else TR(y, UnaryNode(op, x, xp, y), n)

    /// Applies a binary op with broadcasting, propagating derivatives at every nesting level.
    static member ApplyBinary(op: BinaryOp, a: Tensor, b: Tensor) : Tensor =
        if isNull (box a) then Tensor.NullInput(op.Name, "a")
        if isNull (box b) then Tensor.NullInput(op.Name, "b")
        match a, b with
        | TC ra, TC rb ->
            if ra.Retired then raise (StepScopeExit.Disposed ra)
            if rb.Retired then raise (StepScopeExit.Disposed rb)
            // A plain operand meeting a batched one is lifted, so the kernel dispatches on the batched side.
            let ra, rb = if BatchedRaw.Is ra || BatchedRaw.Is rb then BatchedRaw.Lift ra :> RawTensor, BatchedRaw.Lift rb :> RawTensor else ra, rb
            if OpHooks.Flags = 0 then TC(op.Forward(ra, rb))
            else
                let y = if CaptureState.Recording then Tensor.CapturedForward(op, ra, rb) elif StepScopeExit.Active then Tensor.ScopedForward(op, ra, rb) else op.Forward(ra, rb)
                if AnomalyExit.CheckForward then AnomalyMode.CheckForwardResult(op.Name, y)
                TC y
        | _ ->
            let a = if Tensor.Inactive a then a.Primal else a
            let b = if Tensor.Inactive b then b.Primal else b
            let na = a.Nest
            let nb = b.Nest
            if na < 0 && nb < 0 then Tensor.ApplyBinary(op, a, b)
            elif na > nb then
                match a with
                | TF(ap, da, n) ->
                    let y = Tensor.ApplyBinary(op, ap, b)
                    TF(y, Tensor.FitTangent(op.JvpA(ap, b, da, y), y), n)
                | TR(ap, _, n) ->
                    let y = Tensor.ApplyBinary(op, ap, b)
                    TR(y, BinaryNode(op, a, b, ap, b, y, true, false), n)
                | TC _ -> failwith "unreachable"
            elif nb > na then
                match b with
                | TF(bp, db, n) ->
                    let y = Tensor.ApplyBinary(op, a, bp)
                    TF(y, Tensor.FitTangent(op.JvpB(a, bp, db, y), y), n)
                | TR(bp, _, n) ->
                    let y = Tensor.ApplyBinary(op, a, bp)
                    TR(y, BinaryNode(op, a, b, a, bp, y, false, true), n)
                | TC _ -> failwith "unreachable"
            else
                match a, b with
                | TF(ap, da, n), TF(bp, db, _) ->
                    let y = Tensor.ApplyBinary(op, ap, bp)
                    TF(y, Tensor.FitTangent(op.JvpBoth(ap, bp, da, db, y), y), n)
                | TR(ap, _, n), TR(bp, _, _) ->
                    let y = Tensor.ApplyBinary(op, ap, bp)
                    TR(y, BinaryNode(op, a, b, ap, bp, y, true, true), n)
                | _ -> invalidOp "a forward-mode and a reverse-mode derivative share one nesting level"

    /// Applies an n-ary op, propagating derivatives at every nesting level.
    static member ApplyNary(op: NaryOp, xs: Tensor[]) : Tensor =
        let n = xs.Length
        let mutable top = -1
        let mutable anyInactive = false
        for x in xs do
            if Tensor.Inactive x then
                anyInactive <- true
                top <- max top x.Primal.Nest
            else top <- max top x.Nest
        let xs =
            if not anyInactive then xs
            else
                let r = Array.zeroCreate n
                for i in 0 .. n - 1 do r.[i] <- (let x = xs.[i] in if Tensor.Inactive x then x.Primal else x)
                r
        if top < 0 then
            let raws = Array.zeroCreate n
            let mutable batched = false
            for i in 0 .. n - 1 do
                raws.[i] <- xs.[i].Raw
                if BatchedRaw.Is raws.[i] then batched <- true
            if batched then
                for i in 0 .. n - 1 do raws.[i] <- BatchedRaw.Lift raws.[i] :> RawTensor
            if OpHooks.Flags = 0 then TC(op.Forward raws)
            else
                let y = if CaptureState.Recording then Tensor.CapturedForward(op, raws) elif StepScopeExit.Active then Tensor.ScopedForward(op, raws) else op.Forward raws
                if AnomalyExit.CheckForward then AnomalyMode.CheckForwardResult(op.Name, y)
                TC y
        else
            let active = Array.zeroCreate n
            let ps = Array.zeroCreate n
            let mutable isFwd = false
            for i in 0 .. n - 1 do
                let x = xs.[i]
                let a = x.Nest = top
                active.[i] <- a
                ps.[i] <- if a then x.Primal else x
                match x with
                | TF(_, _, l) when l = top -> isFwd <- true
                | _ -> ()
            let y = Tensor.ApplyNary(op, ps)
            if isFwd then
                let mutable t = Unchecked.defaultof<Tensor>
                for i in 0 .. n - 1 do
                    if active.[i] then
                        let ti = Tensor.FitTangent(op.Jvp(ps, i, xs.[i].Tangent, y), y)
                        t <- if isNull (box t) then ti else t + ti
                TF(y, t, top)
            else TR(y, NaryNode(op, xs, ps, active, y), top)

    // Inside Tensor.Capture: a replay repeats this backward's choice between setting a leaf's .grad and adding to
    // it. Adding to a .grad from before the capture would add to that old storage on every replay; setting one the
    // step never clears is right once, while the eager loop would add to it next time. Both are refused.
    static member internal CaptureLeafGrad(leaf: LeafNode) =
        let r = CaptureState.Recorder
        if isNull (box leaf.Grad) then
            if not (r.Zeroed.Contains leaf) then r.MustEndClear.Add leaf
        elif not (r.Assigned.Contains leaf) then
            raise (InvalidOperationException(sprintf "Tensor.Capture: the step's Backward() adds to a .grad (shape %s) left from before the capture; each replay would add to that old gradient, not to the previous replay's. Call ZeroGrad() inside the step before Backward() (or after the update), as a training step does." (Shape.toString leaf.Grad.Shape)))
        r.Assigned.Add leaf |> ignore

    // Inside Tensor.Capture an op's forward kernel is recorded as one step (out of line: its closure is made only here).
    static member private CapturedForward(op: UnaryOp, r: RawTensor) : RawTensor =
        Capture.OpOf([| r |], (fun () -> op.Forward r), op.Name)
    static member private CapturedForward(op: BinaryOp, ra: RawTensor, rb: RawTensor) : RawTensor =
        Capture.OpOf([| ra; rb |], (fun () -> op.Forward(ra, rb)), op.Name)
    static member private CapturedForward(op: NaryOp, raws: RawTensor[]) : RawTensor =
        let raws = Array.copy raws
        Capture.OpOf(raws, (fun () -> op.Forward raws), op.Name)

    // Inside a step scope an op's fresh storage comes from (and returns at the scope's end to) the free lists; the
    // output is noted so the scope can retire it. The capture flag is restored, not cleared: ops nest.
    static member private ScopedForward(op: UnaryOp, r: RawTensor) : RawTensor =
        let prev = SweepBuffers.SetCapture true
        let y = try op.Forward r finally SweepBuffers.SetCapture prev |> ignore
        StepScopeExit.Register y
        y
    static member private ScopedForward(op: BinaryOp, ra: RawTensor, rb: RawTensor) : RawTensor =
        let prev = SweepBuffers.SetCapture true
        let y = try op.Forward(ra, rb) finally SweepBuffers.SetCapture prev |> ignore
        StepScopeExit.Register y
        y
    static member private ScopedForward(op: NaryOp, raws: RawTensor[]) : RawTensor =
        let prev = SweepBuffers.SetCapture true
        let y = try op.Forward raws finally SweepBuffers.SetCapture prev |> ignore
        StepScopeExit.Register y
        y

    /// Broadcasts a tangent computed in an operand's shape to the output's shape.
    static member internal FitTangent(t: Tensor, y: Tensor) =
        if Shape.equal t.Shape y.Shape then t else t.Expand(y.Shape)

    // ---------------------------------------------------------------- reverse sweep

    /// Pushes `seed` (the adjoint of `root`) back through the graph of root's nesting level.
    /// Leaves of imperative level accumulate into their Grad; other leaves keep their adjoint in Adj.
    static member internal ReverseSweep(root: Tensor, seed: Tensor) = Tensor.ReverseSweep(root, seed, false)

    /// The reverse sweep; with `release` (imperative level only) each node drops what it saved once it ran, as
    /// PyTorch frees a graph's buffers after a backward without retain_graph.
    static member internal ReverseSweep(root: Tensor, seed: Tensor, release: bool) =
        match root with
        | TR(_, rootNode, level) ->
            let release = release && level = NestTag.Imperative
            let anomaly = AnomalyExit.Depth > 0
            let sweep = NestTag.next ()
            // One stack per thread, taken out while in use so a nested sweep gets its own.
            let stack = match SweepStack.Spare with null -> Stack<RevNode>() | st -> st
            SweepStack.Spare <- null
            rootNode.Visit <- sweep
            rootNode.Fan <- 0
            stack.Push rootNode
            while stack.Count > 0 do
                let n = stack.Pop()
                for p in n.Parents do
                    match p with
                    | TR(_, pn, l) when l = level ->
                        if pn.Visit <> sweep then
                            pn.Visit <- sweep
                            pn.Fan <- 0
                            pn.Adj <- Unchecked.defaultof<Tensor>
                            stack.Push pn
                        pn.Fan <- pn.Fan + 1
                    | _ -> ()
            rootNode.Adj <- seed
            stack.Push rootNode
            // The backward rules run ordinary ops; in anomaly mode their NaNs are reported per node instead.
            let checkedForward = AnomalyExit.CheckForward
            if anomaly then AnomalyExit.CheckForward <- false
            // An imperative sweep recycles its interior adjoints' arrays (see SweepBuffers for the ownership rule).
            let track = level = NestTag.Imperative
            let outer = if track then SweepBuffers.Begin() else null
            try
                while stack.Count > 0 do
                    let n = stack.Pop()
                    let adj = n.Adj
                    match n with
                    | :? LeafNode as leaf ->
                        if level = NestTag.Imperative && not (isNull (box adj)) then
                            // A gradient that is a view into a larger or strided storage (an expand's stride 0, a
                            // transpose) gets its own compact copy, as PyTorch's AccumulateGrad does, so in-place
                            // updates of .grad and the optimizers' array kernels see an ordinary tensor.
                            let own = if adj.Raw.IsCompact then adj else adj.Clone()
                            if CaptureState.Capturing then Tensor.CaptureLeafGrad leaf
                            if isNull (box leaf.Grad) then
                                leaf.Grad <- own
                                if obj.ReferenceEquals(own, adj) then SweepBuffers.BecameGrad adj.Raw.StorageKey
                                else Tensor.Consumed adj
                            else
                                leaf.Grad <- leaf.Grad + own
                                Tensor.Consumed adj
                            leaf.Adj <- Unchecked.defaultof<Tensor>
                    | _ ->
                        let contributions = if isNull (box adj) then null else n.Backward adj
                        if anomaly && not (isNull contributions) then RevNode.CheckBackwardResult(n, contributions)
                        let parents = n.Parents
                        for i in 0 .. parents.Length - 1 do
                            match parents.[i] with
                            | TR(_, pn, l) when l = level ->
                                if not (isNull contributions) then
                                    let c = contributions.[i]
                                    if not (isNull (box c)) then
                                        let old = pn.Adj
                                        if isNull (box old) then
                                            pn.Adj <- c
                                            if track then SweepBuffers.Assigned c.Raw.StorageKey
                                        else
                                            pn.Adj <- old + c
                                            // Released only after every contribution of this node is placed: a
                                            // storage may sit in several slots at once.
                                            if track then SweepBuffers.Defer old
                                pn.Fan <- pn.Fan - 1
                                if pn.Fan = 0 then stack.Push pn
                            | _ -> ()
                        if track then
                            let mutable k = SweepBuffers.PendingCount
                            while k > 0 do
                                k <- k - 1
                                Tensor.Consumed(SweepBuffers.TakePending() :?> Tensor)
                            if not (isNull (box adj)) then
                                if RevNode.KeepsNoAdjoint(n, contributions) then Tensor.Consumed adj
                                else SweepBuffers.Escaped adj.Raw.StorageKey
                        Contributions.Done contributions
                        n.Adj <- Unchecked.defaultof<Tensor>
                        if release then RevNode.Release n
            finally
                if anomaly then AnomalyExit.CheckForward <- checkedForward
                if track then SweepBuffers.End outer
            SweepStack.Spare <- stack
        | _ -> ()

    /// An adjoint slot was used up: a constant's storage may be recycled, anything recorded is never reused.
    static member private Consumed(t: Tensor) =
        match t with
        | TC r -> SweepBuffers.Released r.StorageKey
        | _ -> SweepBuffers.Escaped t.Raw.StorageKey

    /// Computes gradients of this scalar with respect to every leaf that requires grad, adding them
    /// into the leaves' Grad (PyTorch's `backward()`; gradients accumulate until zeroed). Unless `retainGraph`,
    /// the graph's saved values are freed afterwards, and a second backward that needs them raises PyTorch's error.
    member t.Backward([<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(false)>] retainGraph: bool) =
        match t with
        | TR(p, _, 0) ->
            if t.Numel <> 1 then
                invalidOp (sprintf "backward: grad can be implicitly created only for scalar outputs, got shape %s; pass a gradient with Backward(gradient)" (Shape.toString t.Shape))
            Tensor.ReverseSweep(t, TC(p.Raw.Backend.Full(p.Shape, 1.0, p.Dtype)), not retainGraph)
        | _ -> invalidOp "backward: this tensor does not require grad and has no grad_fn (did any input call RequiresGrad_()?)"

    /// Backward with an explicit output gradient (PyTorch's `backward(gradient, retain_graph)`).
    member t.Backward(gradient: Tensor, [<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(false)>] retainGraph: bool) =
        if isNull (box gradient) then nullArg "gradient"
        match t with
        | TR(_, _, 0) ->
            if not (Shape.equal gradient.Shape t.Shape) then
                raise (ShapeException(sprintf "backward: gradient shape %s does not match output shape %s" (Shape.toString gradient.Shape) (Shape.toString t.Shape), "gradient"))
            Tensor.ReverseSweep(t, gradient, not retainGraph)
        | _ -> invalidOp "backward: this tensor does not require grad and has no grad_fn"

    // ---------------------------------------------------------------- core ops (value + JVP + VJP together)

    /// A constant tensor over raw data.
    static member OfRaw(r: RawTensor) = TC r
    /// Zeros with this tensor's shape and dtype (a constant).
    member t.ZerosLike() = TC(t.Raw.Backend.Full(t.Shape, 0.0, t.Dtype))
    /// Ones with this tensor's shape and dtype (a constant).
    member t.OnesLike() = TC(t.Raw.Backend.Full(t.Shape, 1.0, t.Dtype))
    /// A constant filled with `v`, with this tensor's shape and dtype.
    member t.FullLike(v: float) = TC(t.Raw.Backend.Full(t.Shape, v, t.Dtype))
    /// A 0-dim constant of this tensor's dtype and backend.
    member t.ScalarLike(v: float) = TC(t.Raw.Backend.Full([||], v, t.Dtype))

    static member private Promote(op: string, a: Tensor, b: Tensor) =
        if a.Dtype = b.Dtype then struct (a, b)
        else
            let d = Dtype.promote a.Dtype b.Dtype
            struct ((if a.Dtype = d then a else a.Cast d), (if b.Dtype = d then b else b.Cast d))

    /// Raises the broadcasting error under the user-facing op's name (the kernel only knows "binary").
    static member private CheckBroadcast(op: string, a: Tensor, b: Tensor) =
        if isNull (box a) then raise (ArgumentNullException("a", sprintf "%s: the left operand is null" op))
        if isNull (box b) then raise (ArgumentNullException("b", sprintf "%s: the right operand is null" op))
        Tensor.CheckShapes(op, a.Shape, b.Shape)

    /// Raises the broadcasting error when the shapes do not broadcast (a loop first: the message is only built then).
    static member private CheckShapes(op: string, sa: int[], sb: int[]) =
        if not (Shape.equal sa sb) then
            let mutable ok = true
            for i in 1 .. min sa.Length sb.Length do
                let da = sa.[sa.Length - i]
                let db = sb.[sb.Length - i]
                if da <> db && da <> 1 && db <> 1 then ok <- false
            if not ok then Shape.broadcast op sa sb |> ignore

    /// CheckBroadcast then Promote, reading each operand's raw data once (the per-op cost of tiny tensors).
    static member private Operands(op: string, a: Tensor, b: Tensor) =
        if isNull (box a) then raise (ArgumentNullException("a", sprintf "%s: the left operand is null" op))
        if isNull (box b) then raise (ArgumentNullException("b", sprintf "%s: the right operand is null" op))
        let ra = a.Raw
        let rb = b.Raw
        Tensor.CheckShapes(op, ra.Shape, rb.Shape)
        let da = ra.Dtype
        let db = rb.Dtype
        if da = db then struct (a, b)
        else
            let d = Dtype.promote da db
            struct ((if da = d then a else a.Cast d), (if db = d then b else b.Cast d))

    /// Elementwise sum with broadcasting.
    static member (+) (a: Tensor, b: Tensor) : Tensor =
        let struct (a, b) = Tensor.Operands("add", a, b)
        Tensor.ApplyBinary(CoreOps.Add, a, b)

    /// Elementwise difference with broadcasting.
    static member (-) (a: Tensor, b: Tensor) : Tensor =
        let struct (a, b) = Tensor.Operands("sub", a, b)
        Tensor.ApplyBinary(CoreOps.Sub, a, b)

    /// Elementwise product with broadcasting.
    static member (*) (a: Tensor, b: Tensor) : Tensor =
        let struct (a, b) = Tensor.Operands("mul", a, b)
        Tensor.ApplyBinary(CoreOps.Mul, a, b)

    /// Elementwise quotient with broadcasting.
    static member (/) (a: Tensor, b: Tensor) : Tensor =
        let struct (a, b) = Tensor.Operands("div", a, b)
        let a = if Dtype.isFloat a.Dtype then a else a.Cast Dtype.Float32
        let b = if Dtype.isFloat b.Dtype then b else b.Cast Dtype.Float32
        Tensor.ApplyBinary(CoreOps.Div, a, b)

    /// Elementwise power with broadcasting.
    static member Pow(a: Tensor, b: Tensor) : Tensor =
        let struct (a, b) = Tensor.Operands("pow", a, b)
        Tensor.ApplyBinary({ new BinaryOp("PowBackward1") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Pow, rb)
            // PyTorch: d * (b * a^(b-1)) (0 where b = 0) and d * (y * log a), the factor rounded first.
            member _.JvpA(a, b, da, _) = da * Tensor.PowFactor(a, b)
            member _.JvpB(a, _, db, y) = db * (y * Tensor.SafeLog(a))
            member _.VjpA(a, b, _, g) = g * Tensor.PowFactor(a, b)
            member _.VjpB(a, _, y, g) = g * (y * Tensor.SafeLog(a)) }, a, b)

    /// b * a^(b-1), zero where b is zero (so 0^0 has derivative 0 rather than NaN, as in PyTorch).
    static member private PowFactor(a: Tensor, b: Tensor) =
        let f = b * Tensor.Pow(a, b - 1.0)
        let zero = b.Detach().CompareScalar(CompareKind.Eq, 0.0)
        Tensor.Where(zero, f.ZerosLike(), f)

    /// log with log(0) taken as 0: the exponent-derivative of 0^b is 0 (PyTorch masks it too).
    static member private SafeLog(a: Tensor) =
        let zero = a.Detach().CompareScalar(CompareKind.Eq, 0.0)
        Tensor.Where(zero, a.ZerosLike(), Tensor.Log(Tensor.Where(zero, a.OnesLike(), a)))

    /// Applies a tensor-with-scalar op given as value and one derivative factor rule.
    static member private ScalarOp(name: string, x: Tensor, forward: RawTensor -> RawTensor, dfdx: Tensor -> Tensor -> Tensor) =
        let x = if Dtype.isFloat x.Dtype || name = "AddBackward0" || name = "MulBackward0" || name = "SubBackward0" then x else x.Cast Dtype.Float32
        Tensor.ApplyUnary({ new UnaryOp(name) with
            member _.Forward r = forward r
            member _.Jvp(x, dx, y) = dx * dfdx x y
            member _.Vjp(x, y, g) = g * dfdx x y }, x)

    /// Adds a scalar.
    static member (+) (a: Tensor, s: float) : Tensor = Tensor.ApplyUnary(ScalarOps.Get(ScalarOps.Add, s), a)
    /// Adds a scalar.
    static member (+) (s: float, a: Tensor) : Tensor = a + s
    /// Subtracts a scalar (its own op so the graph shows PyTorch's SubBackward0).
    static member (-) (a: Tensor, s: float) : Tensor = Tensor.ApplyUnary(ScalarOps.Get(ScalarOps.Sub, s), a)
    /// Subtracts from a scalar.
    static member (-) (s: float, a: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("RsubBackward1") with
            member _.Forward r = r.BinaryScalar(BinaryKind.Sub, s, true)
            member _.Jvp(_, dx, _) = -dx
            member _.Vjp(_, _, g) = -g }, a)
    // PyTorch's forward mode meets the Python scalar as a float64 0-dim tensor: against a 0-dim float32 tangent it
    // wins type promotion, so the product or quotient is taken in float64 and rounded once.
    static member internal ScalarTangent(dx: Tensor, f: Tensor -> Tensor) : Tensor =
        if dx.Dim = 0 && dx.Dtype = Dtype.Float32 then (f (dx.Cast Dtype.Float64)).Cast Dtype.Float32 else f dx
    /// Multiplies by a scalar.
    static member (*) (a: Tensor, s: float) : Tensor = Tensor.ApplyUnary(ScalarOps.Get(ScalarOps.Mul, s), a)
    /// Multiplies by a scalar.
    static member (*) (s: float, a: Tensor) : Tensor = a * s
    /// Divides by a scalar (true division, not a multiplication by the reciprocal).
    static member (/) (a: Tensor, s: float) : Tensor =
        let a = if Dtype.isFloat a.Dtype then a else a.Cast Dtype.Float32
        Tensor.ApplyUnary({ new UnaryOp("DivBackward0") with
            member _.Forward r = r.BinaryScalar(BinaryKind.Div, s, false)
            member _.Jvp(_, dx, _) = Tensor.ScalarTangent(dx, (fun t -> t / s))
            member _.Vjp(_, _, g) = g / s }, a)
    /// Divides a scalar by a tensor.
    static member (/) (s: float, a: Tensor) : Tensor =
        // PyTorch evaluates s / a as reciprocal(a) * s, so value and gradients round as that product does.
        let a = if Dtype.isFloat a.Dtype then a else a.Cast Dtype.Float32
        Tensor.ApplyUnary({ new UnaryOp("ReciprocalBackward0") with
            member _.Forward r = r.Unary UnaryKind.Reciprocal
            member _.Jvp(_, dx, y) = -dx * (y * y)
            member _.Vjp(_, y, g) = -g * (y * y) }, a) * s
    /// Negation.
    static member (~-) (a: Tensor) : Tensor =
        Tensor.ApplyUnary(CoreOps.Neg, a)
    /// Power with a scalar exponent.
    static member Pow(a: Tensor, e: float) : Tensor =
        let a = if Dtype.isFloat a.Dtype then a else a.Cast Dtype.Float32
        Tensor.ApplyUnary(ScalarOps.Get(ScalarOps.Pow, e), a)
    /// The op of `Pow(a, e)` (one per exponent, kept by ScalarOps).
    static member internal PowOp(e: float) : UnaryOp =
        let dfdx (x: Tensor) = if e = 1.0 then x.OnesLike() elif e = 2.0 then x * 2.0 else Tensor.Pow(x, e - 1.0) * e
        { new UnaryOp("PowBackward0") with
            member _.Forward r = r.UnaryParam(ParamUnaryKind.PowScalar, e)
            member _.Jvp(x, dx, _) = dx * dfdx x
            member _.Vjp(x, _, g) = g * dfdx x }
    /// A scalar raised to a tensor power.
    static member Pow(s: float, a: Tensor) : Tensor =
        Tensor.ScalarOp("PowBackward1", a, (fun r -> r.BinaryScalar(BinaryKind.Pow, s, true)), fun _ y -> y * log s)
    /// Power (F# `**`).
    static member Pow(a: Tensor, e: int) : Tensor = Tensor.Pow(a, float e)
    /// e^x elementwise.
    static member Exp(x: Tensor) : Tensor =
        Tensor.ScalarOp("ExpBackward0", x, (fun r -> r.Unary UnaryKind.Exp), fun _ y -> y)
    /// Natural logarithm elementwise.
    static member Log(x: Tensor) : Tensor =
        // PyTorch: grad / x, one division.
        let x = if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32
        Tensor.ApplyUnary({ new UnaryOp("LogBackward0") with
            member _.Forward r = r.Unary UnaryKind.Log
            member _.Jvp(x, dx, _) = dx / x
            member _.Vjp(x, _, g) = g / x }, x)

    // ---------------------------------------------------------------- reductions

    /// Sum of all elements (a 0-dim tensor).
    member x.Sum() : Tensor =
        let shape = x.Shape
        Tensor.ApplyUnary({ new UnaryOp("SumBackward0") with
            member _.Forward r = r.SumAll()
            member _.Jvp(_, dx, _) = dx.Sum()
            member _.Vjp(_, _, g) = g.Expand shape }, x)

    /// Sum over the given dimensions (negative dims count from the end).
    member x.Sum(dims: int[], keepDim: bool) : Tensor =
        let shape = x.Shape
        if isNull dims then raise (ArgumentNullException("dims", "sum: the list of dims is null; call Sum() to reduce over all dimensions"))
        let dims =
            if dims.Length = 1 then [| Shape.normDim "sum" shape.Length dims.[0] |]
            else
                let normed = dims |> Array.map (Shape.normDim "sum" shape.Length)
                let distinct = Array.distinct normed
                if distinct.Length <> normed.Length then
                    let dup = normed |> Array.countBy id |> Array.find (fun (_, c) -> c > 1) |> fst
                    raise (ShapeException(sprintf "sum: dim %d appears multiple times in the list of dims %s" dup (Shape.toString dims), "dims"))
                Array.sort distinct
        if dims.Length = 0 then x
        else
            let kept = Array.copy shape
            for d in dims do kept.[d] <- 1
            Tensor.ApplyUnary({ new UnaryOp("SumBackward1") with
                member _.Forward r = r.SumDims(dims, keepDim)
                member _.Jvp(_, dx, _) = dx.Sum(dims, keepDim)
                member _.Vjp(_, _, g) = g.Reshape(kept).Expand(shape) }, x)

    /// Sum over one dimension.
    member x.Sum(dim: int, [<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(false)>] keepDim: bool) : Tensor =
        x.Sum([| dim |], keepDim)

    /// Sums a broadcast result back to `shape` (the adjoint of broadcasting).
    static member SumToShape(t: Tensor, shape: int[]) : Tensor =
        if Shape.equal t.Shape shape then t
        else
            let ts = t.Shape
            let lead = ts.Length - shape.Length
            let dims = [| for i in 0 .. ts.Length - 1 do
                            if i < lead || (shape.[i - lead] = 1 && ts.[i] <> 1) then yield i |]
            // PyTorch's CPU reduction sums the innermost run of reduced dims as rows, then adds those rows
            // into the output one outer run after another; summing run by run, innermost first, rounds alike.
            let runs = ResizeArray<int[]>()
            let mutable i = dims.Length - 1
            while i >= 0 do
                let mutable j = i
                while j > 0 && dims.[j - 1] = dims.[j] - 1 do j <- j - 1
                runs.Add(dims.[j .. i])
                i <- j - 1
            let mutable s = t
            for run in runs do s <- s.Sum(run, true)
            s.Reshape(shape)

    // ---------------------------------------------------------------- shape

    /// Broadcasts to a larger shape (PyTorch's `expand`; -1 keeps a size).
    member x.Expand(shape: int[]) : Tensor =
        if isNull shape then raise (ArgumentNullException("shape", "expand: the target shape is null"))
        let xs = x.Shape
        let shape = shape |> Array.mapi (fun i s -> let j = i - (shape.Length - xs.Length) in if s = -1 && j >= 0 then xs.[j] else s)
        for i in 0 .. shape.Length - xs.Length - 1 do
            if shape.[i] = -1 then
                raise (ShapeException(sprintf "expand: The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension %d" i, "shape"))
        Shape.validate "expand" shape |> ignore
        if Shape.equal xs shape then x
        else
            if not (Shape.canExpand xs shape) then
                raise (ShapeException(sprintf "expand: the shape %s cannot be expanded to %s (only size-1 dimensions can grow)" (Shape.toString xs) (Shape.toString shape)))
            Tensor.ApplyUnary({ new UnaryOp("ExpandBackward0") with
                member _.Forward r =
                    // A view with stride 0 along the grown dimensions, as PyTorch's expand.
                    let rs, st = r.Shape, r.Strides
                    let lead = shape.Length - rs.Length
                    let vst = Array.init shape.Length (fun i -> if i < lead || (rs.[i - lead] = 1 && shape.[i] <> 1) then 0 else st.[i - lead])
                    let v = Tensor.ViewOf(r, shape, vst, r.StorageOffset)
                    if isNull (box v) then r.Expand shape else v
                member _.Jvp(_, dx, _) = dx.Expand shape
                member _.Vjp(_, _, g) = Tensor.SumToShape(g, xs) }, x)

    /// The same data with a new shape (one size may be -1).
    member x.Reshape(shape: int[]) : Tensor = x.ReshapeNamed(shape, "ReshapeAliasBackward0")

    /// Reshape recording a given grad_fn name.
    member internal x.ReshapeNamed(shape: int[], name: string) : Tensor =
        let xs = x.Shape
        if isNull shape then raise (ArgumentNullException("shape", sprintf "%s: the target shape is null" (if name = "ViewBackward0" then "view" else "reshape")))
        let shape = Shape.resolveReshape (if name = "ViewBackward0" then "view" else "reshape") xs shape
        if Shape.equal xs shape then x
        else
            let raw = x.Raw
            if name = "ViewBackward0" && not raw.IsContiguous && isNull (Shape.viewStrides raw.Shape raw.Strides shape) then
                raise (ShapeException("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.", "shape"))
            Tensor.ApplyUnary({ new UnaryOp(name) with
                member _.Forward r =
                    if r.IsCompact then
                        // The whole storage in order: Reshape aliases it (on every backend), sharing the version counter.
                        let o = r.Reshape shape
                        o.ShareVersionWith r
                        o
                    else
                        // A view when the strides allow one; otherwise a copy, as reshape.
                        let st = Shape.viewStrides r.Shape r.Strides shape
                        let v = if isNull st then Unchecked.defaultof<RawTensor> else Tensor.ViewOf(r, shape, st, r.StorageOffset)
                        if isNull (box v) then r.Reshape shape else v
                member _.Jvp(_, dx, _) = dx.Reshape shape
                member _.Vjp(_, _, g) = g.Reshape xs }, x)

    /// PyTorch's `view`: the same storage with a new shape; an error when the strides cannot express it.
    member x.View(shape: int[]) : Tensor = x.ReshapeNamed(shape, "ViewBackward0")

    /// Elements to skip in the storage per step along each dimension (PyTorch's `stride()`).
    member x.Stride() : int[] = Array.copy x.Raw.Strides
    /// The stride of one dimension (negative counts from the end; PyTorch's `stride(dim)`).
    member x.Stride(dim: int) : int = x.Raw.Strides.[Shape.normDim "stride" x.Dim dim]
    /// Where the first element sits in the storage, in elements (PyTorch's `storage_offset()`).
    member x.StorageOffset() : int = x.Raw.StorageOffset
    /// True when the elements lie row-major without gaps in the storage (PyTorch's `is_contiguous()`).
    member x.IsContiguous() : bool = x.Raw.IsContiguous
    /// This tensor when contiguous, else a contiguous copy (PyTorch's `contiguous()`; grad_fn CloneBackward0).
    member x.Contiguous() : Tensor = if x.Raw.IsContiguous then x else x.Clone()
    /// A copy with its own storage (PyTorch's `clone()`; differentiable, grad_fn CloneBackward0).
    member x.Clone() : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("CloneBackward0") with
            member _.Forward r = r.Clone()
            member _.Jvp(_, dx, _) = dx
            member _.Vjp(_, _, g) = g }, x)
    /// A synthetic address of the first element (PyTorch's `data_ptr()`): equal for two tensors exactly when their
    /// first elements are the same element of one storage; not a real pointer, and never dereferenced.
    member x.DataPtr() : int64 =
        let r = x.Raw
        let size = match r.Dtype with Dtype.Bool -> 1L | Dtype.Float32 -> 4L | _ -> 8L
        StorageAddress.Of r.StorageKey + int64 r.StorageOffset * size
    /// The whole storage as a 1-D tensor sharing its elements and version counter (PyTorch's `untyped_storage()`,
    /// typed: its elements rather than its bytes). Backends without views give this tensor's own elements.
    member x.UntypedStorage() : Tensor =
        let r = x.Raw
        let s = r.StorageTensor()
        if not (obj.ReferenceEquals(s, r)) then s.ShareVersionWith r
        TC s
    /// Whether `other` shares this tensor's storage (writes through one are seen by the other).
    member x.SharesStorageWith(other: Tensor) : bool =
        if isNull (box other) then nullArg "other"
        obj.ReferenceEquals(x.Raw.StorageKey, other.Raw.StorageKey)

    /// A strided view of `r`'s storage sharing its version counter, or null when the backend has no views.
    static member internal ViewOf(r: RawTensor, shape: int[], strides: int[], offset: int) : RawTensor =
        let v = r.AsStridedView(shape, strides, offset)
        if not (isNull (box v)) then v.ShareVersionWith r
        v

    /// Reorders dimensions.
    member x.Permute(perm: int[]) : Tensor = x.PermuteNamed(perm, "PermuteBackward0")

    member internal x.PermuteNamed(perm: int[], name: string) : Tensor =
        let n = x.Dim
        if isNull perm then raise (ArgumentNullException("perm", "permute: the permutation is null; pass one index per dimension"))
        if perm.Length <> n then
            raise (ShapeException(sprintf "permute: got %d dimensions %A for a tensor of shape %s" perm.Length perm (Shape.toString x.Shape)))
        let perm = perm |> Array.map (Shape.normDim "permute" n)
        if (Array.distinct perm).Length <> n then
            raise (ShapeException(sprintf "permute: dimensions %A repeat" perm))
        if perm |> Array.mapi (fun i p -> i = p) |> Array.forall id then x
        else
            let inv = Array.zeroCreate n
            perm |> Array.iteri (fun i p -> inv.[p] <- i)
            Tensor.ApplyUnary({ new UnaryOp(name) with
                member _.Forward r =
                    let rs, st = r.Shape, r.Strides
                    let v = Tensor.ViewOf(r, Array.map (fun p -> rs.[p]) perm, Array.map (fun p -> st.[p]) perm, r.StorageOffset)
                    if isNull (box v) then r.Permute perm else v
                member _.Jvp(_, dx, _) = dx.Permute perm
                member _.Vjp(_, _, g) = g.Permute inv }, x)

    /// Swaps two dimensions.
    member x.Transpose(dim0: int, dim1: int) : Tensor =
        let n = x.Dim
        if n < 2 then x
        else
            let d0 = Shape.normDim "transpose" n dim0
            let d1 = Shape.normDim "transpose" n dim1
            let perm = Array.init n id
            perm.[d0] <- d1
            perm.[d1] <- d0
            x.PermuteNamed(perm, "TransposeBackward0")

    /// The transpose of a matrix (a 0-D or 1-D tensor is returned as is).
    member x.T : Tensor =
        if x.Dim > 2 then raise (ShapeException(sprintf "T: expects a tensor with at most 2 dimensions, got shape %s; use Permute" (Shape.toString x.Shape)))
        if x.Dim < 2 then x else x.PermuteNamed([| 1; 0 |], "PermuteBackward0")

    /// The last two dimensions swapped, as a view (PyTorch's `mT`; needs at least 2 dimensions).
    member x.MT : Tensor =
        if x.Dim < 2 then raise (ShapeException(sprintf "tensor.mT is only supported on matrices or batches of matrices. Got %d-D tensor." x.Dim))
        x.Transpose(-2, -1)

    // ---------------------------------------------------------------- matrix products

    /// op(a) @ op(b) for 2-D (or equal-batch 3-D) operands, optionally transposed without copies.
    static member internal MM(a: Tensor, b: Tensor, ta: bool, tb: bool) : Tensor =
        Tensor.ApplyBinary(MmOps.Get(a.Dim = 3, ta, tb), a, b)

    /// The dot product of two 1-D tensors as PyTorch computes it (BLAS sdot: one in-order sum), with its
    /// derivatives: gradients are the other operand times the cotangent, tangents two dot products.
    static member private Dot(a: Tensor, b: Tensor) : Tensor =
        Tensor.ApplyBinary({ new BinaryOp("DotBackward0") with
            member _.Forward(ra, rb) =
                let k = ra.Shape.[0]
                (ra.Reshape [| 1; k |]).MatMul(rb.Reshape [| k; 1 |], false, false).Reshape [||]
            member _.JvpA(_, b, da, _) = Tensor.Dot(da, b)
            member _.JvpB(a, _, db, _) = Tensor.Dot(a, db)
            member _.VjpA(_, b, _, g) = g * b
            member _.VjpB(a, _, _, g) = g * a }, a, b)

    /// Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands.
    static member MatMul(a: Tensor, b: Tensor) : Tensor =
        if isNull (box a) then raise (ArgumentNullException("a", "matmul: the left operand is null"))
        if isNull (box b) then raise (ArgumentNullException("b", "matmul: the right operand is null"))
        let struct (a, b) = Tensor.Promote("matmul", a, b)
        let sa, sb = a.Shape, b.Shape
        let fail () =
            raise (ShapeException(sprintf "matmul: cannot multiply %s by %s: inner sizes %d and %d differ"
                                    (Shape.toString sa) (Shape.toString sb) sa.[sa.Length - 1] (if sb.Length = 1 then sb.[0] else sb.[sb.Length - 2])))
        if sa.Length = 0 || sb.Length = 0 then
            raise (ShapeException(sprintf "matmul: both arguments need at least 1 dimension, got %s and %s" (Shape.toString sa) (Shape.toString sb)))
        let k = sa.[sa.Length - 1]
        let kb = if sb.Length = 1 then sb.[0] else sb.[sb.Length - 2]
        if k <> kb then fail ()
        match sa.Length, sb.Length with
        | 1, 1 -> Tensor.Dot(a, b)
        | 2, 1 -> Tensor.MM(a, b.Reshape [| k; 1 |], false, false).Reshape [| sa.[0] |]
        | 1, 2 -> Tensor.MM(a.Reshape [| 1; k |], b, false, false).Reshape [| sb.[1] |]
        | 2, 2 -> Tensor.MM(a, b, false, false)
        | la, lb when la >= 3 && lb <= 2 ->
            // PyTorch folds the batch into the rows of one product (mm or mv), so b's gradient is a single
            // in-order sum over every row, not per-batch sums added afterwards.
            let rows = Shape.numel sa.[.. la - 2]
            let b2 = if lb = 1 then b.Reshape [| k; 1 |] else b
            let r = Tensor.MM(a.Reshape [| rows; k |], b2, false, false)
            r.Reshape(if lb = 1 then sa.[.. la - 2] else Array.append sa.[.. la - 2] [| sb.[1] |])
        | la, lb when la <= 2 && lb >= 3 ->
            // The mirror image: PyTorch folds b's batch into the rows of bᵀ and multiplies by aᵀ, so a's gradient
            // is one in-order sum over every (batch, column) of b.
            let m = sb.[lb - 1]
            let lead = sb.[.. lb - 3]
            let rows = Shape.numel lead * m
            let bt = b.Transpose(-2, -1).Reshape [| rows; k |]
            let a2 = if la = 1 then a.Reshape [| 1; k |] else a
            let r = Tensor.MM(bt, a2, false, true)
            if la = 1 then r.Reshape(Array.append lead [| m |])
            else r.Reshape(Array.append lead [| m; sa.[0] |]).Transpose(-2, -1).Contiguous()
        | _ ->
            let a2 = if sa.Length = 1 then a.Reshape [| 1; k |] else a
            let b2 = if sb.Length = 1 then b.Reshape [| k; 1 |] else b
            let s2a, s2b = a2.Shape, b2.Shape
            let batchA = s2a.[.. s2a.Length - 3]
            let batchB = s2b.[.. s2b.Length - 3]
            let batch = Shape.broadcast "matmul (batch dimensions)" batchA batchB
            let n = s2a.[s2a.Length - 2]
            let m = s2b.[s2b.Length - 1]
            let nb = Shape.numel batch
            let ea = a2.Expand(Array.append batch [| n; k |]).Reshape [| nb; n; k |]
            let eb = b2.Expand(Array.append batch [| k; m |]).Reshape [| nb; k; m |]
            let r = Tensor.MM(ea, eb, false, false)
            let outShape =
                Array.concat [ batch; (if sa.Length = 1 then [||] else [| n |]); (if sb.Length = 1 then [||] else [| m |]) ]
            r.Reshape outShape

    // ---------------------------------------------------------------- slicing and selection

    /// A strided slice: per dimension start, length and step.
    member x.SliceRaw(starts: int[], lengths: int[], steps: int[]) : Tensor =
        let xs = x.Shape
        Tensor.ApplyUnary({ new UnaryOp("SliceBackward0") with
            member _.Forward r = Tensor.SliceView(r, starts, lengths, steps, -1)
            member _.Jvp(_, dx, _) = dx.SliceRaw(starts, lengths, steps)
            member _.Vjp(_, _, g) = g.SliceScatterRaw(xs, starts, steps) }, x)

    /// A strided slice of `r` as a view when the backend has them (dimension `drop`, of length 1, removed when >= 0).
    static member internal SliceView(r: RawTensor, starts: int[], lengths: int[], steps: int[], drop: int) : RawTensor =
        let st = r.Strides
        let mutable off = r.StorageOffset
        for i in 0 .. st.Length - 1 do off <- off + starts.[i] * st.[i]
        let vst = Array.init st.Length (fun i -> st.[i] * steps.[i])
        let vshape, vst =
            if drop < 0 then lengths, vst
            else Array.append lengths.[.. drop - 1] lengths.[drop + 1 ..], Array.append vst.[.. drop - 1] vst.[drop + 1 ..]
        let v = Tensor.ViewOf(r, vshape, vst, off)
        if not (isNull (box v)) then v
        else
            let y = r.Slice(starts, lengths, steps)
            if drop < 0 then y else y.Reshape vshape

    /// Zeros of `fullShape` with this tensor placed at a strided slice (the adjoint of SliceRaw).
    member x.SliceScatterRaw(fullShape: int[], starts: int[], steps: int[]) : Tensor =
        let lengths = x.Shape
        Tensor.ApplyUnary({ new UnaryOp("SliceScatterBackward0") with
            member _.Forward r = r.SliceScatter(fullShape, starts, steps)
            member _.Jvp(_, dx, _) = dx.SliceScatterRaw(fullShape, starts, steps)
            member _.Vjp(_, _, g) = g.SliceRaw(starts, lengths, steps) }, x)

    /// Elements `start, start+step, ...` before `stop` along one dimension (Python slice semantics,
    /// negative indices count from the end, out-of-range bounds are clipped).
    member x.Slice(dim: int, start: int, stop: int, step: int) : Tensor =
        let xs = x.Shape
        let d = Shape.normDim "slice" xs.Length dim
        if step <= 0 then invalidArg "step" (sprintf "slice: step must be positive, got %d" step)
        let size = xs.[d]
        let clip v = if v < 0 then max 0 (v + size) else min v size
        let s = clip start
        let e = clip stop
        let len = if e <= s then 0 else (e - s + step - 1) / step
        let starts = Array.zeroCreate xs.Length
        let steps = Array.create xs.Length 1
        let lengths = Array.copy xs
        starts.[d] <- s
        steps.[d] <- step
        lengths.[d] <- len
        if s = 0 && len = size && step = 1 then x else x.SliceRaw(starts, lengths, steps)

    /// `length` elements from `start` along a dimension (PyTorch's `narrow`).
    member x.Narrow(dim: int, start: int, length: int) : Tensor =
        let xs = x.Shape
        if xs.Length = 0 then raise (ShapeException("narrow: narrow() cannot be applied to a 0-dim tensor.", "dim"))
        let d = Shape.normDim "narrow" xs.Length dim
        let size = xs.[d]
        // Slice clips silently (Python slice semantics); narrow must reject what PyTorch rejects.
        if start < -size || start > size then
            raise (ArgumentOutOfRangeException("start", sprintf "narrow: start %d is out of range for dimension %d of size %d (expected to be in range of [%d, %d])" start d size (-size) size))
        let s = if start < 0 then start + size else start
        if length < 0 || s + length > size then
            raise (ArgumentOutOfRangeException("length", sprintf "narrow: start (%d) + length (%d) exceeds dimension size (%d)." s length size))
        x.Slice(dim, s, s + length, 1)

    /// The sub-tensor at `index` along `dim`, with that dimension removed (PyTorch's `select`).
    member x.Select(dim: int, index: int) : Tensor =
        let xs = x.Shape
        if xs.Length = 0 then raise (ShapeException("select: select() cannot be applied to a 0-dim tensor.", "dim"))
        let d = Shape.normDim "select" xs.Length dim
        let i = if index < 0 then index + xs.[d] else index
        if i < 0 || i >= xs.[d] then
            raise (ArgumentOutOfRangeException("index", sprintf "select: index %d is out of bounds for dimension %d with size %d (shape %s)" index d xs.[d] (Shape.toString xs)))
        let starts = Array.zeroCreate xs.Length
        starts.[d] <- i
        let lengths = Array.copy xs
        lengths.[d] <- 1
        let outShape = Array.append xs.[.. d - 1] xs.[d + 1 ..]
        let steps = Array.create xs.Length 1
        // One node for slice + reshape: the same values and adjoints as the two ops, fewer objects per call.
        Tensor.ApplyUnary({ new UnaryOp("SelectBackward0") with
            member _.Forward r = Tensor.SliceView(r, starts, lengths, steps, d)
            member _.Jvp(_, dx, _) = dx.SliceRaw(starts, lengths, steps).ReshapeNamed(outShape, "SelectBackward0")
            member _.Vjp(_, _, g) = g.Reshape(lengths).SliceScatterRaw(xs, starts, steps) }, x)

    /// `t.[i]`: the sub-tensor at index i of the first dimension; setting writes into this tensor's storage.
    member x.Item
        with get (i: int) = x.Select(0, i)
        and set (i: int) (value: Tensor) = x.IndexPut_([| TensorIndex.op_Implicit i |], value) |> ignore
    /// `t.[i, j]`; setting writes into this tensor's storage.
    member x.Item
        with get (i: int, j: int) = x.Select(0, i).Select(0, j)
        and set (i: int, j: int) (value: Tensor) = x.IndexPut_([| TensorIndex.op_Implicit i; TensorIndex.op_Implicit j |], value) |> ignore
    /// `t.[i, j, k]`; setting writes into this tensor's storage.
    member x.Item
        with get (i: int, j: int, k: int) = x.Select(0, i).Select(0, j).Select(0, k)
        and set (i: int, j: int, k: int) (value: Tensor) =
            x.IndexPut_([| TensorIndex.op_Implicit i; TensorIndex.op_Implicit j; TensorIndex.op_Implicit k |], value) |> ignore

    // ---------------------------------------------------------------- PyTorch-style indexing (t[index], t[1..3], t[.., 0])

    /// Gathers along `dim` with a raw int64 index of the output's shape; the adjoint scatter-adds.
    static member internal GatherAlong(name: string, dim: int, index: RawTensor, x: Tensor) : Tensor =
        let xs = x.Shape
        Tensor.ApplyUnary({ new UnaryOp(name) with
            member _.Forward r = r.Gather(dim, index)
            member _.Jvp(_, dx, _) = Tensor.GatherAlong(name, dim, index, dx)
            member _.Vjp(_, _, g) = Tensor.ScatterAddAlong("ScatterAddBackward0", xs, dim, index, g) }, x)

    /// Zeros of `shape` with `src` added at `index` along `dim` (the adjoint of GatherAlong).
    static member internal ScatterAddAlong(name: string, shape: int[], dim: int, index: RawTensor, src: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp(name) with
            member _.Forward r = r.ScatterAddInto(shape, dim, index)
            member _.Jvp(_, dx, _) = Tensor.ScatterAddAlong(name, shape, dim, index, dx)
            member _.Vjp(_, _, g) = Tensor.GatherAlong("GatherBackward0", dim, index, g) }, src)

    /// Slices along `dim` picked by validated non-negative positions (the core of index_select and t[index]).
    static member internal TakeAlong(name: string, x: Tensor, dim: int, picks: int64[]) : Tensor =
        let s = x.Shape
        let n = picks.Length
        let shapeIdx = Array.init s.Length (fun i -> if i = dim then n else 1)
        let target = Array.init s.Length (fun i -> if i = dim then n else s.[i])
        let idx = x.Raw.Backend.OfInt64(picks, [| n |]).Reshape(shapeIdx).Expand(target)
        Tensor.GatherAlong(name, dim, idx, x)

    /// Advanced indexing of one dimension by an int64 index tensor or a bool mask, as PyTorch's `t[..., index]`.
    static member internal IndexAlong(x: Tensor, dim: int, index: Tensor) : Tensor =
        let xs = x.Shape
        let fmt (s: int[]) = "[" + String.Join(", ", s) + "]"
        match index.Dtype with
        | Dtype.Bool ->
            let m = index.Shape
            if m.Length = 0 then invalidArg "index" "indexing with a 0-dim bool tensor is not supported; use where or masked_fill"
            if dim + m.Length > xs.Length then
                raise (ArgumentException(sprintf "too many indices for tensor of dimension %d" xs.Length, "index"))
            for i in 0 .. m.Length - 1 do
                if m.[i] <> xs.[dim + i] then
                    raise (ArgumentException(sprintf "The shape of the mask %s at index %d does not match the shape of the indexed tensor %s at index %d" (fmt m) i (fmt xs) (dim + i), "index"))
            let flat = Array.concat [ xs.[.. dim - 1]; [| Shape.numel m |]; xs.[dim + m.Length ..] ]
            let bits = index.ToBoolArray()
            let picks = [| for i in 0 .. bits.Length - 1 do if bits.[i] then yield int64 i |]
            Tensor.TakeAlong("IndexBackward0", x.Reshape flat, dim, picks)
        | Dtype.Int64 ->
            if dim >= xs.Length then
                raise (ArgumentException(sprintf "too many indices for tensor of dimension %d" xs.Length, "index"))
            let size = int64 xs.[dim]
            let picks =
                index.ToInt64Array() |> Array.map (fun i ->
                    if i < -size || i >= size then
                        raise (ArgumentOutOfRangeException("index", sprintf "index %d is out of bounds for dimension %d with size %d" i dim size))
                    if i < 0L then i + size else i)
            let y = Tensor.TakeAlong("IndexBackward0", x, dim, picks)
            y.Reshape(Array.concat [ xs.[.. dim - 1]; index.Shape; xs.[dim + 1 ..] ])
        | dt -> invalidArg "index" (sprintf "tensors used as indices must be long or bool tensors, got %s" (Dtype.name dt))

    /// `t[index]`: an int64 index tensor picks slices along dimension 0 (result shape index.shape ++ t.shape[1:],
    /// negative indices count from the end); a bool mask over the leading dimensions picks the true positions,
    /// flattened (PyTorch's advanced indexing; differentiable in t).
    /// Setting `t[mask] = v` writes v (a scalar or a broadcastable tensor) at the picked positions.
    member x.Item
        with get (index: Tensor) : Tensor =
            if isNull (box index) then nullArg "index"
            Tensor.IndexAlong(x, 0, index)
        and set (index: Tensor) (value: Tensor) =
            if isNull (box index) then nullArg "index"
            x.IndexPut_([| TensorIndex.op_Implicit index |], value) |> ignore

    /// `t[range]` along the first dimension (C# `t[1..3]`, `t[..^1]`); out-of-range bounds are clipped as in Python.
    member x.Item
        with get (range: Range) : Tensor = x.Index([| TensorIndex.op_Implicit range |])
        and set (range: Range) (value: Tensor) = x.IndexPut_([| TensorIndex.op_Implicit range |], value) |> ignore

    /// `t[index]` with a C# index (`t[^1]` is the last element along the first dimension).
    member x.Item
        with get (index: Index) : Tensor = x.Index([| TensorIndex.op_Implicit index |])
        and set (index: Index) (value: Tensor) = x.IndexPut_([| TensorIndex.op_Implicit index |], value) |> ignore

    /// Multi-dimensional indexing as in PyTorch: each entry is an int (removes the dimension), a range, a
    /// <c>TensorIndex.Slice(start, stop, step)</c>, <c>TensorIndex.NewAxis</c>, <c>TensorIndex.Ellipsis</c> or an index
    /// tensor / bool mask (C# `t[.., 0]`, `t[1.., ^1]`, `t[idx, ..]`).
    member x.Index([<ParamArray>] indices: TensorIndex[]) : Tensor =
        if isNull indices then nullArg "indices"
        let consumes (i: TensorIndex) =
            match i.Kind with
            | 3 | 4 -> 0
            | 5 when i.Tensor.Dtype = Dtype.Bool -> i.Tensor.Dim
            | _ -> 1
        let consumed = indices |> Array.sumBy consumes
        if indices |> Array.filter (fun (i: TensorIndex) -> i.Kind = 5) |> Array.length > 1 then
            invalidArg "indices" "several index tensors in one index (paired advanced indexing) are not supported; index one dimension at a time or use gather"
        if indices |> Array.filter (fun (i: TensorIndex) -> i.Kind = 4) |> Array.length > 1 then
            invalidArg "indices" "an index can only have a single ellipsis ('...')"
        if consumed > x.Dim then
            raise (ArgumentException(sprintf "too many indices for tensor of dimension %d" x.Dim, "indices"))
        let mutable t = x
        let mutable d = 0
        for ix in indices do
            match ix.Kind with
            | 0 ->
                let size = t.Shape.[d]
                let i = ix.Position
                if i < -size || i >= size then
                    raise (ArgumentOutOfRangeException("indices", sprintf "index %d is out of bounds for dimension %d with size %d" i d size))
                t <- t.Select(d, i)
            | 1 ->
                let size = t.Shape.[d]
                let bound (v: Index) = if v.IsFromEnd then max 0 (size - v.Value) else min size v.Value
                t <- t.Slice(d, bound ix.Range.Start, bound ix.Range.End, ix.Step)
                d <- d + 1
            | 2 ->
                let size = t.Shape.[d]
                let start = match ix.Start with | ValueSome v -> (if v < 0 then max 0 (v + size) else min v size) | ValueNone -> 0
                let stop = match ix.Stop with | ValueSome v -> (if v < 0 then max 0 (v + size) else min v size) | ValueNone -> size
                t <- t.Slice(d, start, stop, ix.Step)
                d <- d + 1
            | 3 ->
                t <- t.Reshape(Array.concat [ t.Shape.[.. d - 1]; [| 1 |]; t.Shape.[d ..] ])
                d <- d + 1
            | 4 ->
                let after = indices |> Array.skipWhile (fun (i: TensorIndex) -> i.Kind <> 4) |> Array.skip 1
                d <- t.Dim - (after |> Array.sumBy consumes)
            | _ ->
                let idx = ix.Tensor
                t <- Tensor.IndexAlong(t, d, idx)
                d <- d + (if idx.Dtype = Dtype.Bool then 1 else idx.Dim)
        t

    /// Multi-dimensional indexing (see <see cref="Index"/>), as a C# indexer: `t[.., 0]`, `t[1.., idx]`; setting
    /// writes into this tensor's storage (see <see cref="IndexPut_"/>).
    member x.Item
        with get ([<ParamArray>] indices: TensorIndex[]) : Tensor = x.Index indices
        and set ([<ParamArray>] indices: TensorIndex[]) (value: Tensor) = x.IndexPut_(indices, value) |> ignore

    /// PyTorch's `t[indices] = value`: writes `value` (broadcast to the indexed shape, cast to this dtype) into this
    /// tensor's storage, where every view of it sees the change; bumps the version. Basic indices (ints, ranges,
    /// slices, NewAxis, Ellipsis) write through a view; an index tensor or mask writes the picked positions (a
    /// position picked twice receives the sum of its values). A leaf that requires grad may change only in NoGrad.
    member x.IndexPut_(indices: TensorIndex[], value: Tensor) : Tensor =
        if isNull indices then nullArg "indices"
        if isNull (box value) then nullArg "value"
        match x with
        | TR(_, (:? LeafNode), 0) when GradMode.IsEnabled ->
            invalidOp "a view of a leaf Variable that requires grad is being used in an in-place operation."
        | _ -> ()
        x.CheckInPlace("index_put_", value)
        let raw = x.Raw
        let target = (TC raw).Index indices
        let ts = target.Shape
        let vr =
            match ScalarLiteral.TryGet value with
            | ValueSome v -> raw.Backend.Full([||], v, raw.Dtype)
            | ValueNone ->
                let v = value.Raw
                let v = if obj.ReferenceEquals(v.Backend, raw.Backend) then v else raw.Backend.OfFloat64(v.ToDoubleArray(), v.Shape)
                if v.Dtype = raw.Dtype then v else v.Cast raw.Dtype
        let basic = indices |> Array.forall (fun (i: TensorIndex) -> isNull (box i) || i.Kind <> 5)
        // PyTorch drops the value's leading size-1 dimensions, then expands it (two messages, as PyTorch's).
        let vr =
            let vs = vr.Shape
            let lead = vs |> Array.takeWhile (fun d -> d = 1) |> Array.length
            let lead = min lead (max 0 (vs.Length - ts.Length))
            if lead = 0 then vr else vr.Reshape vs.[lead ..]
        if not (Shape.canExpand vr.Shape ts) then
            let dims (s: int[]) = "[" + String.Join(", ", s) + "]"
            let vs = vr.Shape
            if not basic then
                raise (ShapeException(sprintf "shape mismatch: value tensor of shape %s cannot be broadcast to indexing result of shape %s" (dims vs) (dims ts), "value"))
            elif vs.Length > ts.Length then
                raise (ShapeException(sprintf "expand(%s{%s}, size=%s): the number of sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)" (Dtype.name vr.Dtype) (dims vs) (dims ts) ts.Length vs.Length, "value"))
            else
                let off = ts.Length - vs.Length
                let bad = [| ts.Length - 1 .. -1 .. off |] |> Array.find (fun i -> vs.[i - off] <> 1 && vs.[i - off] <> ts.[i])
                raise (ShapeException(sprintf "The expanded size of the tensor (%d) must match the existing size (%d) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s" ts.[bad] vs.[bad - off] bad (dims ts) (dims vs), "value"))
        let ve = if Shape.equal vr.Shape ts then vr else vr.Expand ts
        if basic && obj.ReferenceEquals(target.Raw.StorageKey, raw.StorageKey) then
            target.Raw.CopyFrom ve
        else
            // Positions through the same index on a tensor of flat positions; then one select over the whole tensor.
            let n = raw.Numel
            let pos = (TC(raw.Backend.OfInt64(Array.init n int64, raw.Shape))).Index indices
            let k = pos.Numel
            let idx = raw.Backend.OfInt64(pos.Raw.ToInt64Array(), [| k |])
            let vals = ve.Reshape [| k |]
            let placed = vals.ScatterAddInto([| n |], 0, idx)
            let hit = raw.Backend.Full([| k |], 1.0, Dtype.Float32).ScatterAddInto([| n |], 0, idx).CompareScalar(CompareKind.Gt, 0.0)
            let merged = placed.Where(hit, raw.Reshape [| n |])
            raw.CopyFrom(merged.Reshape raw.Shape)
        raw.BumpVersion()
        x

    /// PyTorch's `t[indices] = value` with a scalar value (exact in every dtype).
    member x.IndexPut_(indices: TensorIndex[], value: float) : Tensor =
        x.IndexPut_(indices, ScalarLiteral.Make value)

    /// A 0-dim float32 tensor from a number (C#: lets `t[0] = 1.5` and `Tensor s = 1.5` compile); an index setter
    /// writes the exact number in the destination's dtype.
    static member op_Implicit(v: float) : Tensor = ScalarLiteral.Make v
    /// A 0-dim int64 tensor from an integer (C#: `t[0] = 10`).
    static member op_Implicit(v: int64) : Tensor = ScalarLiteral.MakeInt v

    // ---------------------------------------------------------------- elementwise comparison operators (C#)
    // C# `a == b`, `a < 0.5` give bool tensors as in PyTorch/TorchSharp. F#'s `=` and `<` never call these:
    // F# equality goes through Equals, which stays reference equality (so tensors work as dictionary keys).

    /// Elementwise `a == b` as a bool tensor (C#); Equals stays reference equality.
    static member op_Equality(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Eq, b)
    /// Elementwise `a != b` as a bool tensor (C#).
    static member op_Inequality(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Ne, b)
    /// Elementwise `a &lt; b` as a bool tensor (C#).
    static member op_LessThan(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Lt, b)
    /// Elementwise `a &lt;= b` as a bool tensor (C#).
    static member op_LessThanOrEqual(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Le, b)
    /// Elementwise `a &gt; b` as a bool tensor (C#).
    static member op_GreaterThan(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Gt, b)
    /// Elementwise `a &gt;= b` as a bool tensor (C#).
    static member op_GreaterThanOrEqual(a: Tensor, b: Tensor) : Tensor = a.Compare(CompareKind.Ge, b)
    /// Elementwise `a == s` as a bool tensor (C#).
    static member op_Equality(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Eq, s)
    /// Elementwise `a != s` as a bool tensor (C#).
    static member op_Inequality(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Ne, s)
    /// Elementwise `a &lt; s` as a bool tensor (C#).
    static member op_LessThan(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Lt, s)
    /// Elementwise `a &lt;= s` as a bool tensor (C#).
    static member op_LessThanOrEqual(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Le, s)
    /// Elementwise `a &gt; s` as a bool tensor (C#).
    static member op_GreaterThan(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Gt, s)
    /// Elementwise `a &gt;= s` as a bool tensor (C#).
    static member op_GreaterThanOrEqual(a: Tensor, s: float) : Tensor = a.CompareScalar(CompareKind.Ge, s)
    /// Elementwise `s == a` as a bool tensor (C#).
    static member op_Equality(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Eq, s)
    /// Elementwise `s != a` as a bool tensor (C#).
    static member op_Inequality(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Ne, s)
    /// Elementwise `s &lt; a` as a bool tensor (C#).
    static member op_LessThan(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Gt, s)
    /// Elementwise `s &lt;= a` as a bool tensor (C#).
    static member op_LessThanOrEqual(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Ge, s)
    /// Elementwise `s &gt; a` as a bool tensor (C#).
    static member op_GreaterThan(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Lt, s)
    /// Elementwise `s &gt;= a` as a bool tensor (C#).
    static member op_GreaterThanOrEqual(s: float, a: Tensor) : Tensor = a.CompareScalar(CompareKind.Le, s)

    // ---------------------------------------------------------------- comparisons, masks, casts

    /// Elementwise comparison with broadcasting, giving a bool tensor (not differentiable).
    member x.Compare(kind: CompareKind, other: Tensor) : Tensor =
        let struct (a, b) = Tensor.Promote("compare", x, other)
        TC(a.Raw.Compare(kind, b.Raw))

    /// Elementwise comparison with a scalar, giving a bool tensor (not differentiable).
    member x.CompareScalar(kind: CompareKind, s: float) : Tensor = TC(x.Raw.CompareScalar(kind, s))

    /// Picks `a` where `cond` is true and `b` elsewhere, with broadcasting (differentiable in a and b).
    static member Where(cond: Tensor, a: Tensor, b: Tensor) : Tensor =
        if cond.Dtype <> Dtype.Bool then invalidArg "cond" (sprintf "where: condition must be a bool tensor, got %s" (Dtype.name cond.Dtype))
        let struct (a, b) = Tensor.Promote("where", a, b)
        let c = cond.Raw
        let outShape = Shape.broadcast "where" (Shape.broadcast "where" cond.Shape a.Shape) b.Shape
        let a = if Shape.equal a.Shape outShape then a else a.Expand outShape
        Tensor.ApplyBinary({ new BinaryOp("WhereBackward0") with
            member _.Forward(ra, rb) = ra.Where(c, rb)
            member _.JvpA(_, _, da, _) = Tensor.Where(cond, da, da.ZerosLike())
            member _.JvpB(_, _, db, _) = Tensor.Where(cond, db.ZerosLike(), db)
            member _.VjpA(_, _, _, g) = Tensor.Where(cond, g, g.ZerosLike())
            member _.VjpB(_, _, _, g) = Tensor.Where(cond, g.ZerosLike(), g) }, a, b)

    /// Converts to another dtype (differentiable between float dtypes).
    member x.Cast(dtype: Dtype) : Tensor =
        if x.Dtype = dtype then x
        elif not (Dtype.isFloat dtype) || not (Dtype.isFloat x.Dtype) then TC(x.Raw.Cast dtype)
        else
            let from = x.Dtype
            Tensor.ApplyUnary({ new UnaryOp("ToCopyBackward0") with
                member _.Forward r = r.Cast dtype
                member _.Jvp(_, dx, _) = dx.Cast dtype
                member _.Vjp(_, _, g) = g.Cast from }, x)

    // ---------------------------------------------------------------- reading values

    /// The single value of a one-element tensor as a double (PyTorch's `item()`).
    member x.ToDouble() : float =
        if x.Numel <> 1 then
            invalidOp (sprintf "item: a tensor with %d elements (shape %s) cannot be converted to a scalar" x.Numel (Shape.toString x.Shape))
        x.Raw.GetDouble 0
    /// The single value as float32.
    member x.ToSingle() : float32 = float32 (x.ToDouble())
    /// All values as doubles, row-major.
    member x.ToDoubleArray() : float[] = x.Raw.ToDoubleArray()
    /// All values as float32, row-major.
    member x.ToFloat32Array() : float32[] = x.Raw.ToFloat32Array()
    /// All values as int64, row-major.
    member x.ToInt64Array() : int64[] = x.Raw.ToInt64Array()
    /// The values as int32 (row-major copy); other dtypes convert as `Cast Dtype.Int32` does (floats truncate toward zero).
    member x.ToInt32Array() : int[] = (if x.Dtype = Dtype.Int32 then x.Raw else x.Raw.Cast Dtype.Int32).ToInt64Array() |> Array.map int32
    /// All values as bools, row-major.
    member x.ToBoolArray() : bool[] = x.Raw.ToBoolArray()

    // ---------------------------------------------------------------- in-place updates (no graph)

    /// How many in-place modifications the storage has seen (PyTorch's `_version`); backward checks that the
    /// tensors an op saved are still at the version they were saved at.
    member t.Version: int = t.Raw.Version

    /// In place `this += alpha * other` on the data, whatever the tensor's autograd state (like PyTorch's
    /// `.data.add_`): for parameter updates. Bumps the version.
    member x.AddInPlace(other: Tensor, alpha: float) =
        if not (Shape.equal x.Shape other.Shape) then
            raise (ShapeException(sprintf "add_: in-place update needs equal shapes, got %s and %s" (Shape.toString x.Shape) (Shape.toString other.Shape)))
        let o = if other.Dtype = x.Dtype then other.Raw else other.Raw.Cast x.Dtype
        x.Raw.AddInPlace(o, alpha)
        x.Raw.BumpVersion()
    /// In place `this -= other` on the data (bumps the version).
    member x.SubInPlace(other: Tensor) = x.AddInPlace(other, -1.0)
    /// In place copy of another tensor's values on the data (bumps the version).
    member x.CopyInPlace(other: Tensor) =
        if not (Shape.equal x.Shape other.Shape) then
            raise (ShapeException(sprintf "copy_: shapes differ: %s and %s" (Shape.toString x.Shape) (Shape.toString other.Shape)))
        x.Raw.CopyFrom(if other.Dtype = x.Dtype then other.Raw else other.Raw.Cast x.Dtype)
        x.Raw.BumpVersion()
    /// In place fill of the data (bumps the version).
    member x.FillInPlace(v: float) =
        x.Raw.FillInPlace v
        x.Raw.BumpVersion()

    // PyTorch's autograd rules for in-place ops: a leaf that requires grad may change only inside NoGrad; a
    // non-leaf that requires grad is not recorded by this engine, so that is refused (outside NoGrad) with the
    // out-of-place alternative named; an operand that requires grad would lose its gradient, so it is refused too.
    member private x.CheckInPlace(op: string, other: Tensor) =
        match x with
        | TC _ -> ()
        | TR(_, (:? LeafNode), 0) ->
            if GradMode.IsEnabled then invalidOp "a leaf Variable that requires grad is being used in an in-place operation."
        | TR(_, n, 0) ->
            if GradMode.IsEnabled then
                raise (NotSupportedException(sprintf "%s: in-place operations are not recorded on a tensor that requires grad and has grad_fn=<%s>; use the out-of-place op (y = y + other instead of y.Add_(other)), or change it inside NoGrad" op n.Name))
        | _ -> raise (NotSupportedException(sprintf "%s: in-place operations are not supported on a tensor traced by Diff (a dual number or reverse node); use the out-of-place op" op))
        if not (isNull (box other)) then
            match other with
            | TC _ -> ()
            | _ when Tensor.Inactive other -> ()
            | _ -> raise (NotSupportedException(sprintf "%s: the operand requires grad and in-place operations are not recorded, so its gradient would be lost; use the out-of-place op, or pass other.Detach()" op))

    /// Writes a result into this tensor's storage, as PyTorch's in-place ops do (the result must keep the shape).
    member private x.Overwrite(op: string, result: RawTensor) : Tensor =
        if not (Shape.equal result.Shape x.Shape) then
            let dims (s: int[]) = "[" + String.Join(", ", s) + "]"
            raise (ShapeException(sprintf "%s: output with shape %s doesn't match the broadcast shape %s" op (dims x.Shape) (dims result.Shape)))
        x.Raw.CopyFrom(if result.Dtype = x.Dtype then result else result.Cast x.Dtype)
        x.Raw.BumpVersion()
        x

    member private x.BinaryInPlace(op: string, kind: BinaryKind, other: Tensor) : Tensor =
        if isNull (box other) then nullArg "other"
        x.CheckInPlace(op, other)
        Tensor.CheckBroadcast(op, x, other)
        if kind = BinaryKind.Div && not (Dtype.isFloat x.Dtype) then
            invalidArg "other" (sprintf "%s: result type Float can't be cast to the desired output type %s" op (Dtype.name x.Dtype))
        let o = if other.Dtype = x.Dtype then other.Raw else other.Raw.Cast x.Dtype
        x.Overwrite(op, x.Raw.Binary(kind, o))

    member private x.ScalarInPlace(op: string, kind: BinaryKind, s: float) : Tensor =
        x.CheckInPlace(op, Unchecked.defaultof<Tensor>)
        if kind = BinaryKind.Div && not (Dtype.isFloat x.Dtype) then
            invalidArg "s" (sprintf "%s: result type Float can't be cast to the desired output type %s" op (Dtype.name x.Dtype))
        x.Overwrite(op, x.Raw.BinaryScalar(kind, s, false))

    /// In place `this += alpha * other` with broadcasting (PyTorch's `add_`); returns this tensor.
    member x.Add_(other: Tensor, [<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(1.0)>] alpha: float) : Tensor =
        if alpha = 1.0 || isNull (box other) then x.BinaryInPlace("add_", BinaryKind.Add, other)
        else x.BinaryInPlace("add_", BinaryKind.Add, TC(other.Raw.BinaryScalar(BinaryKind.Mul, alpha, false)))
    /// In place `this += s`; returns this tensor.
    member x.Add_(s: float) : Tensor = x.ScalarInPlace("add_", BinaryKind.Add, s)
    /// In place `this -= alpha * other` with broadcasting (PyTorch's `sub_`); returns this tensor.
    member x.Sub_(other: Tensor, [<System.Runtime.InteropServices.Optional; System.Runtime.InteropServices.DefaultParameterValue(1.0)>] alpha: float) : Tensor =
        if alpha = 1.0 || isNull (box other) then x.BinaryInPlace("sub_", BinaryKind.Sub, other)
        else x.BinaryInPlace("sub_", BinaryKind.Sub, TC(other.Raw.BinaryScalar(BinaryKind.Mul, alpha, false)))
    /// In place `this -= s`; returns this tensor.
    member x.Sub_(s: float) : Tensor = x.ScalarInPlace("sub_", BinaryKind.Sub, s)
    /// In place `this *= other` with broadcasting (PyTorch's `mul_`); returns this tensor.
    member x.Mul_(other: Tensor) : Tensor = x.BinaryInPlace("mul_", BinaryKind.Mul, other)
    /// In place `this *= s`; returns this tensor.
    member x.Mul_(s: float) : Tensor = x.ScalarInPlace("mul_", BinaryKind.Mul, s)
    /// In place `this /= other` with broadcasting (PyTorch's `div_`); returns this tensor.
    member x.Div_(other: Tensor) : Tensor = x.BinaryInPlace("div_", BinaryKind.Div, other)
    /// In place `this /= s`; returns this tensor.
    member x.Div_(s: float) : Tensor = x.ScalarInPlace("div_", BinaryKind.Div, s)
    /// In place fill with a value (PyTorch's `fill_`); returns this tensor.
    member x.Fill_(v: float) : Tensor =
        x.CheckInPlace("fill_", Unchecked.defaultof<Tensor>)
        x.Raw.FillInPlace v
        x.Raw.BumpVersion()
        x
    /// In place fill with zeros (PyTorch's `zero_`); returns this tensor.
    member x.Zero_() : Tensor =
        x.CheckInPlace("zero_", Unchecked.defaultof<Tensor>)
        x.Raw.FillInPlace 0.0
        x.Raw.BumpVersion()
        x
    /// In place copy of `src`'s values, broadcast to this shape and cast to this dtype (PyTorch's `copy_`).
    member x.Copy_(src: Tensor) : Tensor =
        if isNull (box src) then nullArg "src"
        x.CheckInPlace("copy_", src)
        let r = src.Raw
        let r =
            if Shape.equal r.Shape x.Shape then r
            elif Shape.canExpand r.Shape x.Shape then r.Expand x.Shape
            else raise (ShapeException(sprintf "copy_: the source of shape %s cannot be broadcast to the destination's shape %s" (Shape.toString r.Shape) (Shape.toString x.Shape)))
        x.Overwrite("copy_", r)
    /// In place clamp into [min, max] (NaN means no bound; PyTorch's `clamp_`); returns this tensor.
    member x.Clamp_(min: float, max: float) : Tensor =
        x.CheckInPlace("clamp_", Unchecked.defaultof<Tensor>)
        if Double.IsNaN min && Double.IsNaN max then
            invalidArg "min" "clamp_: at least one of 'min' or 'max' must not be None"
        x.Overwrite("clamp_", x.Raw.Clamp(min, max))

/// A step recorded by `Tensor.Capture`: its kernels in order, replayed on the storages they were recorded with.
and [<Sealed>] CapturedStep internal (steps: CaptureStep[], output: Tensor, rerun: Func<Tensor>, backend: string) =
    // Without a recording (a backend other than the managed one) each Run() calls the step again: `rerun`.
    let mutable output = output
    /// The step's output (its values are those of the last run or replay).
    member _.Output = output
    /// Replays `n` times timing every step: per step, what it runs, mean nanoseconds and mean bytes allocated
    /// (for finding the step that costs; the plain replay has no such bookkeeping).
    member this.Profile(n: int) : struct (string * float * float)[] =
        if not (isNull rerun) then
            let a0 = GC.GetAllocatedBytesForCurrentThread()
            let t0 = Diagnostics.Stopwatch.GetTimestamp()
            for _ in 1 .. n do this.Run() |> ignore
            let ns = float (Diagnostics.Stopwatch.GetTimestamp() - t0) * 1e9 / float Diagnostics.Stopwatch.Frequency
            [| struct (sprintf "the whole step, eagerly (nothing is recorded on the %s backend)" backend, ns / float n, float (GC.GetAllocatedBytesForCurrentThread() - a0) / float n) |]
        else
        let ticks = Array.zeroCreate<int64> steps.Length
        let bytes = Array.zeroCreate<int64> steps.Length
        CaptureState.BeginReplay()
        try
            for _ in 1 .. n do
                for i in 0 .. steps.Length - 1 do
                    let a0 = GC.GetAllocatedBytesForCurrentThread()
                    let t0 = Diagnostics.Stopwatch.GetTimestamp()
                    steps.[i].Run()
                    ticks.[i] <- ticks.[i] + Diagnostics.Stopwatch.GetTimestamp() - t0
                    bytes.[i] <- bytes.[i] + GC.GetAllocatedBytesForCurrentThread() - a0
        finally CaptureState.EndReplay()
        let ns = 1e9 / float Diagnostics.Stopwatch.Frequency
        Array.init steps.Length (fun i -> struct (steps.[i].Describe(), float ticks.[i] * ns / float n, float bytes.[i] / float n))
    /// How many kernels a replay runs.
    member _.KernelCount = steps.Length
    /// Replays the recorded kernels and returns the output tensor, now holding this run's values. Not thread-safe:
    /// one replay at a time (the storages are shared with the tensors the capture saw).
    member _.Run() : Tensor =
        if not (isNull rerun) then
            let o = rerun.Invoke()
            if isNull (box o) then raise (InvalidOperationException "CapturedStep.Run: the step returned null; return the tensor to read after each run (e.g. the loss)")
            output <- o
            o
        else
        let run () =
            CaptureState.BeginReplay()
            try
                for s in steps do s.Run()
            finally CaptureState.EndReplay()
        // Inside another capture the whole replay is one recorded step of it.
        if CaptureState.Recording then Capture.Action run else run ()
        output

/// A node of the reverse-mode graph; the op that made a tensor and how to push adjoints back.
/// One entry of a multi-dimensional index (`t[.., 0]` in C#): converts implicitly from int, Index, Range and Tensor.
and [<Sealed; AllowNullLiteral>] TensorIndex private (kind: int, position: int, range: Range, start: int voption, stop: int voption, step: int, tensor: Tensor) =
    // kind: 0 int, 1 Range, 2 stepped slice, 3 new axis, 4 ellipsis, 5 tensor.
    member internal _.Kind : int = kind
    member internal _.Position : int = position
    member internal _.Range : Range = range
    member internal _.Start : int voption = start
    member internal _.Stop : int voption = stop
    member internal _.Step : int = step
    member internal _.Tensor : Tensor = tensor
    /// An integer position (removes the dimension; negative counts from the end).
    static member op_Implicit(i: int) : TensorIndex = TensorIndex(0, i, Range.All, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)
    /// A C# index (`^1` is the last position).
    static member op_Implicit(i: Index) : TensorIndex =
        if i.IsFromEnd then TensorIndex(0, -i.Value, Range.All, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)
        else TensorIndex(0, i.Value, Range.All, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)
    /// A C# range (`1..3`, `..`), clipped to the dimension as in Python slicing.
    static member op_Implicit(r: Range) : TensorIndex = TensorIndex(1, 0, r, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)
    /// An int64 index tensor or a bool mask (advanced indexing).
    static member op_Implicit(t: Tensor) : TensorIndex =
        if isNull (box t) then nullArg "t"
        TensorIndex(5, 0, Range.All, ValueNone, ValueNone, 1, t)
    /// Python's `start:stop:step` (null bounds mean the ends; negative bounds count from the end).
    static member Slice(start: Nullable<int>, stop: Nullable<int>, step: int) : TensorIndex =
        if step <= 0 then invalidArg "step" (sprintf "slice: step must be positive, got %d" step)
        let opt (v: Nullable<int>) = if v.HasValue then ValueSome v.Value else ValueNone
        TensorIndex(2, 0, Range.All, opt start, opt stop, step, Unchecked.defaultof<_>)
    /// A new size-1 dimension (PyTorch's `None`).
    static member NewAxis : TensorIndex = TensorIndex(3, 0, Range.All, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)
    /// All remaining dimensions (Python's `...`).
    static member Ellipsis : TensorIndex = TensorIndex(4, 0, Range.All, ValueNone, ValueNone, 1, Unchecked.defaultof<_>)

/// 0-dim tensors made from C# numbers by implicit conversion, remembered with their exact value so an index setter
/// can write a float64 destination without the float32 rounding.
and [<AbstractClass; Sealed>] internal ScalarLiteral =
    static member val private Values = System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, obj>()
    static member Make(v: float) : Tensor =
        let t = TC(ManagedBackend.Instance.OfFloat32([| float32 v |], [||]))
        ScalarLiteral.Values.AddOrUpdate(t, box v)
        t
    static member MakeInt(v: int64) : Tensor =
        let t = TC(ManagedBackend.Instance.OfInt64([| v |], [||]))
        ScalarLiteral.Values.AddOrUpdate(t, box (float v))
        t
    static member TryGet(t: Tensor) : float voption =
        match ScalarLiteral.Values.TryGetValue t with
        | true, v -> ValueSome(unbox<float> v)
        | _ -> ValueNone

and [<AbstractClass; AllowNullLiteral>] RevNode(name: string) =
    /// PyTorch's grad_fn name.
    member _.Name = name
    /// Adjoint accumulated during a sweep.
    member val internal Adj: Tensor = Unchecked.defaultof<Tensor> with get, set
    /// Pending children during a sweep.
    member val internal Fan = 0 with get, set
    /// Sweep in which this node was last reached.
    member val internal Visit = 0 with get, set
    /// True once a backward without retain_graph released what this node saved.
    member val internal Freed = false with get, set
    /// After a release: the edge to this node's output with the data dropped, made once and shared by all consumers.
    member val internal Hollow: Tensor = Unchecked.defaultof<Tensor> with get, set
    /// Inputs of the op (only those of the same nesting level receive adjoints).
    abstract Parents: Tensor[]
    /// Adjoint contributions for each parent, given this node's adjoint (null for none).
    abstract Backward: Tensor -> Tensor[]

    /// Name of the op that made a saved input (for the version error), or null for a leaf or constant.
    static member internal ProducerOf(x: Tensor) =
        match x with
        | TR(_, pn, _) when not (pn :? LeafNode) -> pn.Name
        | _ -> null
    /// A stand-in for a value after its node was released: shape, dtype and backend, no data.
    static member internal FreedValue(t: Tensor) =
        match t.Raw with
        | :? UnreadableRaw -> t
        | r -> TC(UnreadableRaw(r.Shape, r.Dtype, r.Backend, AutogradText.SecondBackward))
    /// An input edge after a release: an op's output loses its data (one shared stand-in per producing node), so
    /// a kept output tensor no longer pins the activations; leaves and constants are left (their owners hold them).
    static member internal FreedEdge(t: Tensor) =
        match t with
        | TR(p, pn, l) when not (pn :? LeafNode) ->
            if isNull (box pn.Hollow) then pn.Hollow <- TR(RevNode.FreedValue p, pn, l)
            pn.Hollow
        | _ -> t
    /// A saved value after a release: the stand-in of the edge it came from when that edge was hollowed, else the
    /// value itself (the slow path of a freed node guards it lazily).
    static member internal FreedSaved(saved: Tensor, oldEdge: Tensor, newEdge: Tensor) =
        if not (obj.ReferenceEquals(oldEdge, newEdge)) && obj.ReferenceEquals(saved, oldEdge.Primal) then newEdge.Primal
        else saved
    /// The node's own output after a release: the hollow stand-in if a consumer made one.
    member internal n.FreedOutput(y: Tensor) =
        if isNull (box n.Hollow) then y else n.Hollow.Primal
    /// A saved value as a backward rule may read it: itself while unchanged since it was saved, else a stand-in
    /// that raises the freed or modified-in-place error if (and only if) the rule reads its data.
    static member internal Guard(t: Tensor, freed: bool, savedVersion: int, producer: string) : Tensor =
        let r = t.Raw
        match r with
        | :? UnreadableRaw -> t
        | _ when freed -> RevNode.FreedValue t
        | _ when r.Version <> savedVersion ->
            TC(UnreadableRaw(r.Shape, r.Dtype, r.Backend, AutogradText.modified r.Dtype r.Shape producer r.Version savedVersion))
        | _ -> t
    /// Runs a backward rule over guarded values: a read of a stand-in raises its message as InvalidOperationException.
    static member internal RunGuarded(saved: Tensor[], rule: unit -> Tensor[]) : Tensor[] =
        try rule ()
        with
        | :? SavedTensorException as e -> raise (InvalidOperationException(e.Message))
        | _ ->
            // A kernel given a stand-in as its second operand fails on its own terms (a cast); report the stand-in.
            let standIn = saved |> Array.tryPick (fun t -> match t.Raw with :? UnreadableRaw as u -> Some u.Message | _ -> None)
            match standIn with
            | Some m -> raise (InvalidOperationException m)
            | None -> reraise ()
    /// Frees what a node saved after a backward without retain_graph.
    static member internal Release(n: RevNode) =
        n.Freed <- true
        match n with
        | :? UnaryNode as u -> u.ReleaseSaved()
        | :? BinaryNode as b -> b.ReleaseSaved()
        | :? NaryNode as m -> m.ReleaseSaved()
        | _ -> ()
    /// True when a node certainly kept nothing of its constant adjoint: its rule is one of this library's (a user's
    /// rule might store it) and every contribution is a constant (a recorded one may have saved the adjoint).
    static member internal KeepsNoAdjoint(n: RevNode, contributions: Tensor[]) =
        let opType : Type =
            match n with
            | :? UnaryNode as u -> u.OpType
            | :? BinaryNode as b -> b.OpType
            | :? NaryNode as m -> m.OpType
            | _ -> null
        match n.Adj with
        | TC _ when not (isNull opType) && obj.ReferenceEquals(opType.Assembly, typeof<RevNode>.Assembly) ->
            let mutable ok = true
            if not (isNull contributions) then
                for c in contributions do
                    match c with
                    | TR _ | TF _ -> ok <- false
                    | _ -> ()
            ok
        | _ -> false
    /// Anomaly mode: raises PyTorch's error when a node's backward produced NaN.
    static member internal CheckBackwardResult(n: RevNode, contributions: Tensor[]) =
        for i in 0 .. contributions.Length - 1 do
            let c = contributions.[i]
            if not (isNull (box c)) && AnomalyMode.HasNan c.Raw then
                let index = match n with :? BinaryNode as b when not b.UsesA -> 1 | _ -> i
                invalidOp (sprintf "Function '%s' returned nan values in its %dth output." n.Name index)

/// The arrays the library's nodes return their contributions in, one per length per thread: the sweep reads them
/// at once and clears them (`Done`) before it runs another node, so none outlives its node. Each is filled only
/// after every contribution is computed, so a rule that runs a nested sweep cannot see its own array reused.
and [<AbstractClass; Sealed>] internal Contributions =
    [<ThreadStatic; DefaultValue>]
    static val mutable private one: Tensor[]
    [<ThreadStatic; DefaultValue>]
    static val mutable private two: Tensor[]
    [<ThreadStatic; DefaultValue>]
    static val mutable private three: Tensor[]
    static member One(a: Tensor) : Tensor[] =
        let mutable r = Contributions.one
        if isNull r then
            r <- Array.zeroCreate 1
            Contributions.one <- r
        r.[0] <- a
        r
    static member Two(a: Tensor, b: Tensor) : Tensor[] =
        let mutable r = Contributions.two
        if isNull r then
            r <- Array.zeroCreate 2
            Contributions.two <- r
        r.[0] <- a
        r.[1] <- b
        r
    static member Three(a: Tensor, b: Tensor, c: Tensor) : Tensor[] =
        let mutable r = Contributions.three
        if isNull r then
            r <- Array.zeroCreate 3
            Contributions.three <- r
        r.[0] <- a
        r.[1] <- b
        r.[2] <- c
        r
    /// The sweep is done with a node's contributions: a shared array drops its references.
    static member Done(r: Tensor[]) =
        if not (isNull r) then
            // The length says which shared array it could be, so one thread-static read per node.
            let shared =
                match r.Length with
                | 1 -> obj.ReferenceEquals(r, Contributions.one)
                | 2 -> obj.ReferenceEquals(r, Contributions.two)
                | 3 -> obj.ReferenceEquals(r, Contributions.three)
                | _ -> false
            if shared then Array.Clear r

/// The reverse sweep's work stack kept per thread between sweeps.
and [<Sealed>] internal SweepStack() =
    [<ThreadStatic; DefaultValue>]
    static val mutable private spare: Stack<RevNode>
    static member Spare with get () = SweepStack.spare and set v = SweepStack.spare <- v

/// A leaf of the graph: a differentiation variable or a parameter.
and [<Sealed; AllowNullLiteral>] LeafNode() =
    inherit RevNode("Leaf")
    static let none: Tensor[] = [||]
    /// Gradient accumulated by imperative backward passes.
    member val Grad: Tensor = Unchecked.defaultof<Tensor> with get, set
    override _.Parents = none
    override _.Backward _ = none

/// An op of one tensor: its value and both derivative rules, in one place.
and [<AbstractClass>] UnaryOp(name: string) =
    /// PyTorch's grad_fn name.
    member _.Name = name
    /// The value, on raw data.
    abstract Forward: RawTensor -> RawTensor
    /// Forward mode: the tangent of the output given the input `x`, its tangent `dx` and the output `y`.
    abstract Jvp: x: Tensor * dx: Tensor * y: Tensor -> Tensor
    /// Reverse mode: the adjoint of `x` given the output `y` and its adjoint `gy`.
    abstract Vjp: x: Tensor * y: Tensor * gy: Tensor -> Tensor

/// An op of two tensors (broadcasting handled by the engine): value and derivative rules together.
and [<AbstractClass>] BinaryOp(name: string) =
    /// PyTorch's grad_fn name.
    member _.Name = name
    /// The value, on raw data.
    abstract Forward: RawTensor * RawTensor -> RawTensor
    /// Forward mode: the output tangent due to `a`'s tangent.
    abstract JvpA: a: Tensor * b: Tensor * da: Tensor * y: Tensor -> Tensor
    /// Forward mode: the output tangent due to `b`'s tangent.
    abstract JvpB: a: Tensor * b: Tensor * db: Tensor * y: Tensor -> Tensor
    /// Forward mode with both tangents; by default the sum of the two, overridden where PyTorch's forward
    /// formula combines them before rounding.
    abstract JvpBoth: a: Tensor * b: Tensor * da: Tensor * db: Tensor * y: Tensor -> Tensor
    default op.JvpBoth(a, b, da, db, y) = Tensor.FitTangent(op.JvpA(a, b, da, y), y) + Tensor.FitTangent(op.JvpB(a, b, db, y), y)
    /// Reverse mode: the adjoint of `a` (in the output's shape; the engine reduces broadcasting).
    abstract VjpA: a: Tensor * b: Tensor * y: Tensor * gy: Tensor -> Tensor
    /// Reverse mode: the adjoint of `b` (in the output's shape; the engine reduces broadcasting).
    abstract VjpB: a: Tensor * b: Tensor * y: Tensor * gy: Tensor -> Tensor

/// An op of several tensors (concatenation, fused layers): value and derivative rules together.
and [<AbstractClass>] NaryOp(name: string) =
    /// PyTorch's grad_fn name.
    member _.Name = name
    /// The value, on raw data.
    abstract Forward: RawTensor[] -> RawTensor
    /// Forward mode: the output tangent due to input `i`'s tangent `dxi`.
    abstract Jvp: xs: Tensor[] * i: int * dxi: Tensor * y: Tensor -> Tensor
    /// Reverse mode: the adjoint of input `i` (in input i's shape).
    abstract Vjp: xs: Tensor[] * i: int * y: Tensor * gy: Tensor -> Tensor

/// The capture-free core ops, made once (an op object per call was one more allocation per op).
and [<Sealed; AbstractClass>] internal CoreOps =
    static member val Add: BinaryOp =
        { new BinaryOp("AddBackward0") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Add, rb)
            member _.JvpA(_, _, da, _) = da
            member _.JvpB(_, _, db, _) = db
            member _.VjpA(_, _, _, g) = g
            member _.VjpB(_, _, _, g) = g }
    static member val Sub: BinaryOp =
        { new BinaryOp("SubBackward0") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Sub, rb)
            member _.JvpA(_, _, da, _) = da
            member _.JvpB(_, _, db, _) = -db
            member _.VjpA(_, _, _, g) = g
            member _.VjpB(_, _, _, g) = -g }
    static member val Mul: BinaryOp =
        { new BinaryOp("MulBackward0") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Mul, rb)
            member _.JvpA(_, b, da, _) = da * b
            member _.JvpB(a, _, db, _) = a * db
            member _.VjpA(_, b, _, g) = g * b
            member _.VjpB(a, _, _, g) = g * a }
    static member val Div: BinaryOp =
        { new BinaryOp("DivBackward0") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Div, rb)
            member _.JvpA(_, b, da, _) = da / b
            member _.JvpB(_, b, db, y) = -(db * y) / b
            // PyTorch's forward formula: (da - db * y) / b.
            override _.JvpBoth(_, b, da, db, y) = (da - db * y) / b
            member _.VjpA(_, b, _, g) = g / b
            // PyTorch: -g * ((a / b) / b), the quotient divided once more.
            member _.VjpB(_, b, y, g) = -(g * (y / b)) }
    static member val Neg: UnaryOp =
        { new UnaryOp("NegBackward0") with
            member _.Forward r = r.Unary UnaryKind.Neg
            member _.Jvp(_, dx, _) = -dx
            member _.Vjp(_, _, g) = -g }

/// The tensor-with-scalar ops (add, sub, mul, pow), kept per thread for the last few scalars of each kind: they
/// capture only the scalar, so a training loop's `x * lr`, `t - 11.0` or `pow(t, 2)` reuses one op object
/// instead of making one per call.
and [<AbstractClass; Sealed>] internal ScalarOps =
    [<ThreadStatic; DefaultValue>]
    static val mutable private keys: int64[]
    [<ThreadStatic; DefaultValue>]
    static val mutable private ops: UnaryOp[]
    [<ThreadStatic; DefaultValue>]
    static val mutable private next: int[]
    static member Add = 0
    static member Sub = 1
    static member Mul = 2
    static member Pow = 3
    /// Ops kept per kind.
    static member private Slots = 4
    static member private Make(kind: int, s: float) : UnaryOp =
        match kind with
        | 0 ->
            { new UnaryOp("AddBackward0") with
                member _.Forward r = r.BinaryScalar(BinaryKind.Add, s, false)
                member _.Jvp(_, dx, _) = dx
                member _.Vjp(_, _, g) = g }
        | 1 ->
            { new UnaryOp("SubBackward0") with
                member _.Forward r = r.BinaryScalar(BinaryKind.Sub, s, false)
                member _.Jvp(_, dx, _) = dx
                member _.Vjp(_, _, g) = g }
        | 2 ->
            { new UnaryOp("MulBackward0") with
                member _.Forward r = r.BinaryScalar(BinaryKind.Mul, s, false)
                member _.Jvp(_, dx, _) = Tensor.ScalarTangent(dx, (fun t -> t * s))
                member _.Vjp(_, _, g) = g * s }
        | _ -> Tensor.PowOp s
    /// The op of this kind for scalar s (compared bit for bit, so -0.0 and each NaN payload get their own).
    static member Get(kind: int, s: float) : UnaryOp =
        let mutable keys = ScalarOps.keys
        if isNull keys then
            keys <- Array.zeroCreate (4 * ScalarOps.Slots)
            ScalarOps.keys <- keys
            ScalarOps.ops <- Array.zeroCreate (4 * ScalarOps.Slots)
            ScalarOps.next <- Array.zeroCreate 4
        let ops = ScalarOps.ops
        let bits = BitConverter.DoubleToInt64Bits s
        let b = kind * ScalarOps.Slots
        let mutable found = Unchecked.defaultof<UnaryOp>
        let mutable i = 0
        while isNull (box found) && i < ScalarOps.Slots do
            let op = ops.[b + i]
            if not (isNull (box op)) && keys.[b + i] = bits then found <- op
            i <- i + 1
        if not (isNull (box found)) then found
        else
            let op = ScalarOps.Make(kind, s)
            let slot = ScalarOps.next.[kind]
            ScalarOps.next.[kind] <- (slot + 1) % ScalarOps.Slots
            keys.[b + slot] <- bits
            ops.[b + slot] <- op
            op

/// The eight matrix-product ops (batched or not, each operand transposed or not), made once.
and [<Sealed; AbstractClass>] internal MmOps =
    static member private Make(i: int) : BinaryOp =
        let ta = i &&& 2 <> 0
        let tb = i &&& 1 <> 0
        { new BinaryOp(if i &&& 4 <> 0 then "BmmBackward0" else "MmBackward0") with
            member _.Forward(ra, rb) = ra.MatMul(rb, ta, tb)
            member _.JvpA(_, b, da, _) = Tensor.MM(da, b, ta, tb)
            member _.JvpB(a, _, db, _) = Tensor.MM(a, db, ta, tb)
            member _.VjpA(a, b, _, g) = if ta then Tensor.MM(b, g, tb, true) else Tensor.MM(g, b, false, not tb)
            member _.VjpB(a, b, _, g) = if tb then Tensor.MM(g, a, true, ta) else Tensor.MM(a, g, not ta, false) }
    static member val private Ops: BinaryOp[] = Array.init 8 MmOps.Make
    /// The op for these flags.
    static member Get(batched: bool, ta: bool, tb: bool) =
        MmOps.Ops.[(if batched then 4 else 0) + (if ta then 2 else 0) + (if tb then 1 else 0)]

// The nodes keep the values their rules read (the op's inputs and output) with the storage versions at
// recording time; a backward first compares versions (a few integer reads) and only takes the guarded path when
// something changed or was released.
and [<Sealed>] internal UnaryNode(op: UnaryOp, x: Tensor, xp0: Tensor, y0: Tensor) =
    inherit RevNode(op.Name)
    let parents = [| x |]
    let mutable xp = xp0
    let mutable y = y0
    let vx = xp0.Raw.Version
    let vy = y0.Raw.Version
    member internal _.OpType = op.GetType()
    override _.Parents = parents
    override n.Backward g =
        if not n.Freed && xp.Raw.Version = vx && y.Raw.Version = vy then Contributions.One(op.Vjp(xp, y, g))
        else
            let gx = RevNode.Guard(xp, n.Freed, vx, RevNode.ProducerOf parents.[0])
            let gy = RevNode.Guard(y, n.Freed, vy, op.Name)
            RevNode.RunGuarded([| gx; gy |], fun () -> Contributions.One(op.Vjp(gx, gy, g)))
    member internal n.ReleaseSaved() =
        let e = parents.[0]
        let h = RevNode.FreedEdge e
        xp <- RevNode.FreedSaved(xp, e, h)
        parents.[0] <- h
        y <- n.FreedOutput y

and [<Sealed>] internal BinaryNode(op: BinaryOp, a: Tensor, b: Tensor, ap0: Tensor, bp0: Tensor, y0: Tensor, useA: bool, useB: bool) =
    inherit RevNode(op.Name)
    let parents = if useA && useB then [| a; b |] elif useA then [| a |] else [| b |]
    let mutable ap = ap0
    let mutable bp = bp0
    let mutable y = y0
    let va = ap0.Raw.Version
    let vb = bp0.Raw.Version
    let vy = y0.Raw.Version
    let rule (ap: Tensor) (bp: Tensor) (y: Tensor) (g: Tensor) =
        if useA && useB then
            let ga = Tensor.SumToShape(op.VjpA(ap, bp, y, g), ap.Shape)
            Contributions.Two(ga, Tensor.SumToShape(op.VjpB(ap, bp, y, g), bp.Shape))
        elif useA then Contributions.One(Tensor.SumToShape(op.VjpA(ap, bp, y, g), ap.Shape))
        else Contributions.One(Tensor.SumToShape(op.VjpB(ap, bp, y, g), bp.Shape))
    /// False when only the second operand receives an adjoint (its contribution is PyTorch's 1st output).
    member _.UsesA = useA
    member internal _.OpType = op.GetType()
    override _.Parents = parents
    override n.Backward g =
        if not n.Freed && ap.Raw.Version = va && bp.Raw.Version = vb && y.Raw.Version = vy then rule ap bp y g
        else
            let ga = RevNode.Guard(ap, n.Freed, va, (if useA then RevNode.ProducerOf parents.[0] else null))
            let gb = RevNode.Guard(bp, n.Freed, vb, (if useB then RevNode.ProducerOf parents.[parents.Length - 1] else null))
            let gy = RevNode.Guard(y, n.Freed, vy, op.Name)
            RevNode.RunGuarded([| ga; gb; gy |], fun () -> rule ga gb gy g)
    member internal n.ReleaseSaved() =
        for i in 0 .. parents.Length - 1 do
            let e = parents.[i]
            let h = RevNode.FreedEdge e
            ap <- RevNode.FreedSaved(ap, e, h)
            bp <- RevNode.FreedSaved(bp, e, h)
            parents.[i] <- h
        y <- n.FreedOutput y

and [<Sealed>] internal NaryNode(op: NaryOp, xs: Tensor[], ps0: Tensor[], active: bool[], y0: Tensor) =
    inherit RevNode(op.Name)
    // The caller's array is shared until a release needs a private copy.
    let mutable parents = xs
    let mutable ps = ps0
    let mutable y = y0
    // Versions are almost always 0 at recording time: then no array is kept.
    let versions =
        let mutable any = false
        for p in ps0 do if p.Raw.Version <> 0 then any <- true
        if any then ps0 |> Array.map (fun p -> p.Raw.Version) else null
    let vy = y0.Raw.Version
    let savedVersion i = if isNull versions then 0 else versions.[i]
    let rule (ps: Tensor[]) (y: Tensor) (g: Tensor) =
        let n = ps.Length
        if n >= 1 && n <= 3 then
            // In input order, as the loop below (a rule may carry state from one input's call to the next).
            let v0 = if active.[0] then op.Vjp(ps, 0, y, g) else Unchecked.defaultof<Tensor>
            let v1 = if n > 1 && active.[1] then op.Vjp(ps, 1, y, g) else Unchecked.defaultof<Tensor>
            let v2 = if n > 2 && active.[2] then op.Vjp(ps, 2, y, g) else Unchecked.defaultof<Tensor>
            match n with
            | 1 -> Contributions.One v0
            | 2 -> Contributions.Two(v0, v1)
            | _ -> Contributions.Three(v0, v1, v2)
        else
            let r = Array.zeroCreate n
            for i in 0 .. n - 1 do
                if active.[i] then r.[i] <- op.Vjp(ps, i, y, g)
            r
    member internal _.OpType = op.GetType()
    override _.Parents = parents
    override n.Backward g =
        let mutable intact = not n.Freed && y.Raw.Version = vy
        if intact then
            for i in 0 .. ps.Length - 1 do
                if ps.[i].Raw.Version <> savedVersion i then intact <- false
        if intact then rule ps y g
        else
            let gps = ps |> Array.mapi (fun i p -> RevNode.Guard(p, n.Freed, savedVersion i, RevNode.ProducerOf parents.[i]))
            let gy = RevNode.Guard(y, n.Freed, vy, op.Name)
            RevNode.RunGuarded(Array.append gps [| gy |], fun () -> rule gps gy g)
    member internal n.ReleaseSaved() =
        let hollow = Array.map RevNode.FreedEdge parents
        ps <- Array.init ps.Length (fun i -> RevNode.FreedSaved(ps.[i], parents.[i], hollow.[i]))
        parents <- hollow
        y <- n.FreedOutput y

