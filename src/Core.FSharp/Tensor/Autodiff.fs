namespace Fluxion

open System
open System.Threading

/// Nesting tags for differentiation: each grad/jvp call takes a fresh, larger tag, so an inner
/// derivative never confuses its perturbation with an outer one (perturbation confusion).
module internal NestTag =
    let mutable private counter = 0
    /// A fresh tag, unique across threads.
    let next () = Interlocked.Increment(&counter)
    /// Tag 0 belongs to PyTorch-style leaves that require grad (the imperative mode).
    [<Literal>]
    let Imperative = 0

/// The per-thread no-grad depth and the one object that leaves a no-grad scope (entering allocates nothing).
[<Sealed>]
type internal NoGradExit private () =
    [<ThreadStatic; DefaultValue>]
    static val mutable private depth: int
    static member val Instance = new NoGradExit()
    static member Depth with get () = NoGradExit.depth and set v = NoGradExit.depth <- v
    interface IDisposable with
        member _.Dispose() = NoGradExit.depth <- NoGradExit.depth - 1

/// The per-thread inference-mode depth; leaving an inference scope also leaves the no-grad scope it opened.
[<Sealed>]
type internal InferenceExit private () =
    [<ThreadStatic; DefaultValue>]
    static val mutable private depth: int
    static member val Instance = new InferenceExit()
    static member Depth with get () = InferenceExit.depth and set v = InferenceExit.depth <- v
    interface IDisposable with
        member _.Dispose() =
            InferenceExit.depth <- InferenceExit.depth - 1
            NoGradExit.Depth <- NoGradExit.Depth - 1

/// Whether PyTorch-style (imperative) operations record a graph on this thread.
[<AbstractClass; Sealed>]
type GradMode =
    /// True unless inside a `NoGrad` (or `InferenceMode`) scope.
    static member IsEnabled = NoGradExit.Depth = 0
    /// Enters a scope in which imperative leaves are treated as constants; dispose it to leave.
    static member NoGrad() : IDisposable =
        NoGradExit.Depth <- NoGradExit.Depth + 1
        NoGradExit.Instance :> IDisposable
    /// PyTorch's `torch.inference_mode()`: like `NoGrad`, nothing inside is recorded. Unlike PyTorch, tensors made
    /// inside are ordinary tensors (PyTorch makes "inference tensors" that later autograd refuses to save and
    /// in-place updates outside the scope reject); here they may be used with autograd after the scope ends.
    static member InferenceMode() : IDisposable =
        NoGradExit.Depth <- NoGradExit.Depth + 1
        InferenceExit.Depth <- InferenceExit.Depth + 1
        InferenceExit.Instance :> IDisposable
    /// True inside an `InferenceMode` scope on this thread (`torch.is_inference_mode_enabled()`).
    static member IsInferenceModeEnabled = InferenceExit.Depth > 0

/// One per-thread word that is zero unless a step scope is open or anomaly mode checks forward results, so an
/// op's forward takes its plain path after a single thread-static read.
[<AbstractClass; Sealed>]
type internal OpHooks =
    [<ThreadStatic; DefaultValue>]
    static val mutable private flags: int
    /// Zero when no hook is on for this thread.
    static member Flags = OpHooks.flags
    /// Sets or clears one hook bit (1 = step scope, 2 = anomaly forward check, 4 = Tensor.Capture recording).
    static member Set(bit: int, on: bool) =
        OpHooks.flags <- if on then OpHooks.flags ||| bit else OpHooks.flags &&& ~~~bit

/// The per-thread anomaly-detection depth, and whether forward ops check their results on this thread
/// (kept as one flag so the hot path reads a single thread-static field).
[<Sealed>]
type internal AnomalyExit private () =
    [<ThreadStatic; DefaultValue>]
    static val mutable private depth: int
    [<ThreadStatic; DefaultValue>]
    static val mutable private checkForward: bool
    static member val Instance = new AnomalyExit()
    static member Depth with get () = AnomalyExit.depth and set v = AnomalyExit.depth <- v
    /// True inside `DetectAnomaly` except while a backward sweep runs (the sweep checks each node's results).
    static member CheckForward
        with get () = AnomalyExit.checkForward
        and set v =
            AnomalyExit.checkForward <- v
            OpHooks.Set(2, v)
    interface IDisposable with
        member _.Dispose() =
            AnomalyExit.depth <- AnomalyExit.depth - 1
            AnomalyExit.CheckForward <- AnomalyExit.depth > 0

/// PyTorch's anomaly detection (`torch.autograd.detect_anomaly`), per thread and nestable.
[<AbstractClass; Sealed>]
type AnomalyMode =
    /// True inside a `DetectAnomaly` scope on this thread.
    static member IsEnabled = AnomalyExit.Depth > 0
    /// Enters a scope in which every op checks its result for NaN and every backward node its gradients; dispose it to leave.
    static member DetectAnomaly() : IDisposable =
        AnomalyExit.Depth <- AnomalyExit.Depth + 1
        AnomalyExit.CheckForward <- true
        AnomalyExit.Instance :> IDisposable
    /// The forward op's name from its grad_fn name (`LogBackward0` -> `Log`).
    static member internal ForwardName(gradFnName: string) =
        let i = gradFnName.IndexOf("Backward", StringComparison.Ordinal)
        if i > 0 then gradFnName.Substring(0, i) else gradFnName
    /// True when a floating-point raw tensor holds a NaN.
    static member internal HasNan(r: Fluxion.Backend.RawTensor) =
        match r.Dtype with
        | Dtype.Float32 | Dtype.Float64 -> Array.exists Double.IsNaN (r.ToDoubleArray())
        | _ -> false
    /// Raises when a forward op made NaN values (called only inside anomaly mode).
    static member internal CheckForwardResult(gradFnName: string, r: Fluxion.Backend.RawTensor) =
        if AnomalyMode.HasNan r then
            raise (InvalidOperationException(
                sprintf "Function '%s' returned nan values in its output (anomaly mode checks every forward op; its backward is %s)."
                    (AnomalyMode.ForwardName gradFnName) gradFnName))

/// The per-thread step-scope depth and the raw outputs its ops made (see `Tensor.StepScope`); entering and leaving
/// allocate nothing once the thread's lists exist.
[<Sealed>]
type internal StepScopeExit private () =
    [<ThreadStatic; DefaultValue>]
    static val mutable private depth: int
    [<ThreadStatic; DefaultValue>]
    static val mutable private outputs: System.Collections.Generic.List<Fluxion.Backend.RawTensor>
    static member val Instance = new StepScopeExit()
    /// True inside a step scope on this thread.
    static member Active = StepScopeExit.depth > 0
    /// Opens a scope (an inner scope joins the outermost one).
    static member Enter() : IDisposable =
        if Fluxion.Backend.CaptureState.Capturing then
            raise (InvalidOperationException "Tensor.StepScope: a step scope cannot open inside Tensor.Capture (a captured step's storage is kept by its replay, never recycled); drop the scope from the captured step")
        if StepScopeExit.depth = 0 then
            if isNull StepScopeExit.outputs then StepScopeExit.outputs <- System.Collections.Generic.List()
            Fluxion.Backend.SweepBuffers.BeginScope()
        StepScopeExit.depth <- StepScopeExit.depth + 1
        OpHooks.Set(1, true)
        StepScopeExit.Instance :> IDisposable
    /// Notes an op's output made in the scope when its storage is one the scope may recycle.
    static member Register(r: Fluxion.Backend.RawTensor) =
        if Fluxion.Backend.SweepBuffers.ScopeOwns r.StorageKey then StepScopeExit.outputs.Add r
    /// Recycles the storage of every noted output that nothing kept, and retires the raw tensors over it.
    static member private Close() =
        let outs = StepScopeExit.outputs
        try
            for i in 0 .. outs.Count - 1 do
                let r = outs.[i]
                if Fluxion.Backend.SweepBuffers.Recycle r.StorageKey then r.Retire()
        finally
            outs.Clear()
            Fluxion.Backend.SweepBuffers.EndScope()
    interface IDisposable with
        member _.Dispose() =
            if StepScopeExit.depth > 0 then
                StepScopeExit.depth <- StepScopeExit.depth - 1
                OpHooks.Set(1, StepScopeExit.depth > 0)
                if StepScopeExit.depth = 0 then StepScopeExit.Close()
    /// The error for a read of a tensor whose step scope ended.
    static member Disposed(r: Fluxion.Backend.RawTensor) : exn =
        ObjectDisposedException("Tensor",
            sprintf "This tensor (shape %s) was made inside a Tensor.StepScope that has ended, and its storage was reused. Call Keep() on it inside the scope (or read its values there, e.g. ToDouble()/ToFloat32Array()) to use it after the scope."
                (Shape.toString r.Shape))

/// Raised when a backward reads a saved value that is gone or was modified in place.
type internal SavedTensorException(message: string) =
    inherit InvalidOperationException(message)

/// Stands in for a saved tensor that backward must not read (freed after a backward, or modified in place since
/// it was saved): it keeps shape, dtype and backend, so rules that need only those still run, as in PyTorch,
/// and any read of the data raises the message.
[<Sealed>]
type internal UnreadableRaw(shape: int[], dtype: Dtype, backend: Fluxion.Backend.IBackend, message: string) =
    inherit Fluxion.Backend.RawTensor(shape)
    member _.Message = message
    member private _.Fail() : 'T = raise (SavedTensorException message)
    override _.Dtype = dtype
    override _.Backend = backend
    override t.UnaryImpl _ = t.Fail()
    override t.BinaryImpl(_, _) = t.Fail()
    override t.BinaryScalarImpl(_, _, _) = t.Fail()
    override t.CompareImpl(_, _) = t.Fail()
    override t.CompareScalarImpl(_, _) = t.Fail()
    override t.WhereImpl(_, _) = t.Fail()
    override t.UnaryParamImpl(_, _) = t.Fail()
    override t.ClampImpl(_, _) = t.Fail()
    override t.SumAllImpl() = t.Fail()
    override t.SumDimsImpl(_, _) = t.Fail()
    override t.ExtremeDimImpl(_, _, _) = t.Fail()
    override t.ExtremeAllImpl _ = t.Fail()
    override t.MatMulImpl(_, _, _) = t.Fail()
    override t.ReshapeImpl _ = t.Fail()
    override t.PermuteImpl _ = t.Fail()
    override t.ExpandImpl _ = t.Fail()
    override t.SliceImpl(_, _, _) = t.Fail()
    override t.SliceScatterImpl(_, _, _) = t.Fail()
    override t.CatImpl(_, _) = t.Fail()
    override t.GatherImpl(_, _) = t.Fail()
    override t.ScatterAddIntoImpl(_, _, _) = t.Fail()
    override t.FlipImpl _ = t.Fail()
    override t.Conv1dImpl(_, _, _, _, _) = t.Fail()
    override t.Conv1dGradInputImpl(_, _, _, _, _, _) = t.Fail()
    override t.Conv1dGradWeightImpl(_, _, _, _, _, _) = t.Fail()
    override t.MaxPool1dImpl(_, _, _, _) = t.Fail()
    override t.AvgPool1dImpl(_, _, _) = t.Fail()
    override t.AvgPool1dGradImpl(_, _, _, _) = t.Fail()
    override t.CastImpl _ = t.Fail()
    override t.CloneImpl() = t.Fail()
    override t.GetDoubleImpl _ = t.Fail()
    override t.ToDoubleArrayImpl() = t.Fail()
    override t.ToFloat32ArrayImpl() = t.Fail()
    override t.ToInt64ArrayImpl() = t.Fail()
    override t.ToBoolArrayImpl() = t.Fail()
    override t.AddInPlaceImpl(_, _) = t.Fail()
    override t.CopyFromImpl _ = t.Fail()
    override t.FillInPlaceImpl _ = t.Fail()
    override t.ReluGradImpl _ = t.Fail()

/// PyTorch's autograd error texts.
module internal AutogradText =
    /// Backward through buffers released by an earlier backward.
    [<Literal>]
    let SecondBackward =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
    /// PyTorch's legacy type name, e.g. `torch.FloatTensor`.
    let typeName (d: Dtype) =
        match d with
        | Dtype.Float32 -> "torch.FloatTensor"
        | Dtype.Float64 -> "torch.DoubleTensor"
        | Dtype.Int64 -> "torch.LongTensor"
        | Dtype.Int32 -> "torch.IntTensor"
        | Dtype.Bool -> "torch.BoolTensor"
        | d -> sprintf "torch.%A" d
    /// A saved tensor modified in place between forward and backward.
    let modified (dtype: Dtype) (shape: int[]) (producer: string) (now: int) (saved: int) =
        let dims = String.Join(", ", shape)
        let made = if isNull producer then "" else sprintf ", which is output 0 of %s," producer
        sprintf "one of the variables needed for gradient computation has been modified by an inplace operation: [%s [%s]]%s is at version %d; expected version %d instead. Hint: the tensor was modified in place after an op saved it for backward; use the out-of-place op (or modify a Clone()), or run Backward before modifying it."
            (typeName dtype) dims made now saved
