namespace Fluxion.Backend

open System
open System.Collections.Generic
open System.Threading

/// One recorded kernel of a captured step (`Tensor.Capture`), run again on every replay.
[<AbstractClass; AllowNullLiteral>]
type internal CaptureStep() =
    /// Runs the kernel on the storages it was recorded with.
    abstract Run: unit -> unit
    /// What the step runs (for diagnostics).
    abstract Describe: unit -> string
    default s.Describe() = s.GetType().Name

/// The kernels a capture has recorded so far, and the storages it made from host values.
[<Sealed; AllowNullLiteral>]
type internal CaptureRecorder() =
    member val Steps = List<CaptureStep>()
    /// Storages made from host data during the capture (constants of the plan: no recorded kernel may write them).
    member val HostMade = HashSet<obj>(HashIdentity.Reference)
    /// Leaves whose gradient the step cleared, and leaves whose gradient the step set (autodiff's leaf nodes).
    member val Zeroed = HashSet<obj>(HashIdentity.Reference)
    member val Assigned = HashSet<obj>(HashIdentity.Reference)
    /// Leaves given a fresh gradient while nothing in the step had cleared it: the step must clear it by its end.
    member val MustEndClear = List<obj>()

/// Per-thread capture state, read by every raw op: one plain static read when no thread captures.
[<AbstractClass; Sealed>]
type internal CaptureState =
    // Threads recording a capture right now, process-wide: the one field every op reads.
    static let mutable active = 0
    [<ThreadStatic; DefaultValue>] static val mutable private recorder: CaptureRecorder
    // Depth of recorded kernels (and replays) running on this thread: their inner ops are not recorded again.
    [<ThreadStatic; DefaultValue>] static val mutable private depth: int

    /// True when a raw op called now must be recorded (a capture runs on this thread, outside a recorded kernel).
    static member Recording =
        active > 0 && not (isNull CaptureState.recorder) && CaptureState.depth = 0
    /// The open recorder of this thread (null outside a capture).
    static member Recorder = CaptureState.recorder
    /// True while a capture is open on this thread (whatever the depth).
    static member Capturing = active > 0 && not (isNull CaptureState.recorder)

    // Replays running now, process-wide, and this thread's replay target: the storage the running recorded op's
    // result should land in, handed to the op's first output allocation of that length (no copy, no new array).
    static let mutable replaying = 0
    [<ThreadStatic; DefaultValue>] static val mutable private target: obj
    /// Starts a replay on this thread.
    static member BeginReplay() =
        Interlocked.Increment(&replaying) |> ignore
        CaptureState.depth <- CaptureState.depth + 1
    /// Ends a replay on this thread.
    static member EndReplay() =
        CaptureState.depth <- CaptureState.depth - 1
        CaptureState.target <- null
        Interlocked.Decrement(&replaying) |> ignore
    /// Sets (or clears, with null) the storage the next output allocation should reuse.
    static member SetTarget(storage: obj) = CaptureState.target <- storage
    /// The replay target when it is an array of n elements of 'T (then consumed, and cleared to zeros when `clear`),
    /// else null.
    static member TakeTarget<'T>(n: int, clear: bool) : 'T[] =
        if replaying = 0 then null
        else
            match CaptureState.target with
            | :? ('T[]) as a when a.Length = n ->
                CaptureState.target <- null
                if clear then Array.Clear a
                a
            | _ -> null

    // The offer slot: a kernel called straight from a recorded op (its receiver is the one the op opened the slot
    // for) may hand over a step that recomputes its result into the same storage without allocating; the op
    // takes it only if the kernel's storage is the op's result and nothing ran in between.
    [<ThreadStatic; DefaultValue>] static val mutable private offerFor: obj
    [<ThreadStatic; DefaultValue>] static val mutable private offer: CaptureStep
    [<ThreadStatic; DefaultValue>] static val mutable private offerOut: obj
    /// True while any thread records a capture (one plain read: eager ops only look further when it is set).
    static member Active = active > 0
    /// Opens the offer slot for a recorded op whose kernel runs on `receiver`.
    static member OpenOffer(receiver: obj) =
        CaptureState.offerFor <- receiver
        CaptureState.offer <- null
        CaptureState.offerOut <- null
    /// True when a kernel running on `receiver` may offer its step (a capture records and the slot is its).
    static member CanOffer(receiver: obj) =
        active > 0 && not (isNull CaptureState.recorder) && obj.ReferenceEquals(CaptureState.offerFor, receiver)
    /// Offers the step that recomputes the storage `out`; closes the slot.
    static member Offer(out: obj, step: CaptureStep) =
        CaptureState.offer <- step
        CaptureState.offerOut <- out
        CaptureState.offerFor <- null
    /// Something else ran inside the recorded op after a kernel offered (another kernel, a direct storage
    /// access): the offer no longer describes the result, drop it.
    static member Invalidate() =
        if not (isNull CaptureState.offer) then
            CaptureState.offer <- null
            CaptureState.offerOut <- null
    /// Closes the offer slot, dropping any offer.
    static member CloseOffer() =
        CaptureState.offer <- null
        CaptureState.offerOut <- null
        CaptureState.offerFor <- null
    /// The offered step when it recomputes `out`, else null; closes the slot.
    static member TakeOffer(out: obj) : CaptureStep =
        let s = if obj.ReferenceEquals(CaptureState.offerOut, out) then CaptureState.offer else null
        CaptureState.CloseOffer()
        s

    /// Opens a capture on this thread.
    static member Begin() : CaptureRecorder =
        if not (isNull CaptureState.recorder) then
            raise (InvalidOperationException "Tensor.Capture: a capture is already open on this thread; captures do not nest (replay a captured step inside another capture instead)")
        let r = CaptureRecorder()
        CaptureState.recorder <- r
        CaptureState.depth <- 0
        Interlocked.Increment(&active) |> ignore
        r
    /// Closes this thread's capture.
    static member End() =
        if not (isNull CaptureState.recorder) then
            CaptureState.recorder <- null
            CaptureState.depth <- 0
            Interlocked.Decrement(&active) |> ignore
    /// Enters a recorded kernel (or a replay): raw ops inside are not recorded.
    static member Enter() = CaptureState.depth <- CaptureState.depth + 1
    /// Leaves a recorded kernel.
    static member Exit() = CaptureState.depth <- CaptureState.depth - 1
    /// Adds a step to this thread's capture.
    static member Add(step: CaptureStep) = CaptureState.recorder.Steps.Add step

    /// Raises when code outside the recorded kernels reads or writes a storage while a capture records: such a
    /// value would be frozen into the plan (or its write lost) on replay.
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)>]
    static member CheckAccess(what: string) =
        if active > 0 then
            if CaptureState.Recording then CaptureState.Refuse what
            else CaptureState.Invalidate()
    /// The error of CheckAccess.
    static member Refuse(what: string) : unit =
        raise (NotSupportedException(sprintf "Tensor.Capture: %s reads or writes tensor data outside the kernels a capture can record, so a replay could not repeat it. Read values after Run() (e.g. loss.ToDouble()), or run this step without Capture." what))
    /// Notes a storage made from host data while a capture records (no-op otherwise).
    static member HostMade(storage: obj) =
        if CaptureState.Recording then CaptureState.recorder.HostMade.Add storage |> ignore

/// A step that recomputes one array in place: the kernel's output allocation is handed the array itself
/// (SweepBuffers' replay target), so a replay allocates nothing.
[<Sealed>]
type internal ArrayStep<'T>(out: 'T[], kernel: unit -> 'T[], name: string) =
    inherit CaptureStep()
    override _.Run() =
        CaptureState.SetTarget out
        let r = kernel ()
        // A kernel that returned `out` took it as its output, which cleared the target (thread statics are a
        // runtime call each on Linux, so the clear is not repeated); should one return `out` without taking it,
        // the target is left to the next step, and every step sets its own or clears it before running.
        if not (obj.ReferenceEquals(r, out)) then
            CaptureState.SetTarget null
            Array.Copy(r, out, out.Length)
    override _.Describe() = name
