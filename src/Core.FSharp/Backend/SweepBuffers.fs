namespace Fluxion.Backend

open System
open System.Collections.Generic

/// What a step scope may do with a storage it saw taken.
module internal ScopeState =
    /// Recycled at the scope's end.
    [<Literal>]
    let Owned = 0
    /// Became a leaf's Grad in this scope (owned again if that Grad is cleared inside the scope).
    [<Literal>]
    let Grad = 1
    /// Left the scope's hands (kept by the user, saved by a foreign rule): never recycled.
    [<Literal>]
    let Pinned = 2
    /// Already returned to the free lists at the scope's end.
    [<Literal>]
    let Pushed = 3

/// Arrays returned by finished sweeps, per element type and length, per thread.
[<AbstractClass; Sealed>]
type internal FreeArrays<'T> =
    [<ThreadStatic; DefaultValue>]
    static val mutable private lists: Dictionary<int, Stack<'T[]>>
    // Elements kept on this thread, bounded so a large network's arrays are not held for the thread's lifetime.
    [<ThreadStatic; DefaultValue>]
    static val mutable private kept: int64
    /// A returned array of exactly n elements (its old contents still in it), or null.
    static member Pop(n: int) : 'T[] =
        let lists = FreeArrays<'T>.lists
        if isNull lists then null
        else
            match lists.TryGetValue n with
            | true, s when s.Count > 0 ->
                FreeArrays<'T>.kept <- FreeArrays<'T>.kept - int64 n
                s.Pop()
            | _ -> null
    /// Keeps an array for a later Pop; false (the array is left to the GC) when that length already has enough
    /// or the thread keeps SweepBuffers.MaxKept elements already.
    static member Push(a: 'T[]) : bool =
        // A capture's plan keeps every storage it saw: none may go back to the free lists for others to take.
        if CaptureState.Capturing then false
        elif FreeArrays<'T>.kept + int64 a.Length > SweepBuffers.MaxKept then false
        else
        let mutable lists = FreeArrays<'T>.lists
        if isNull lists then
            lists <- Dictionary<int, Stack<'T[]>>()
            FreeArrays<'T>.lists <- lists
        let s =
            match lists.TryGetValue a.Length with
            | true, s -> s
            | _ ->
                let s = Stack<'T[]>()
                lists.[a.Length] <- s
                s
        if s.Count >= SweepBuffers.PerLength then false
        else
            s.Push a
            FreeArrays<'T>.kept <- FreeArrays<'T>.kept + int64 a.Length
            true

/// Recycles the float storage of a backward sweep's interior adjoints, the one kind of intermediate that no user
/// code can hold: it is made inside the sweep, handed from node to node, and dropped once the node that receives it
/// has run. Ownership rule: only arrays made by a kernel during the running imperative sweep (`Take`) are ever
/// recycled, and only when every adjoint slot that received them has been consumed; an array that reaches a leaf's
/// Grad, a non-constant adjoint, a rule outside this library or survives the sweep is never reused. Forward values
/// (which a user may hold) are tracked only inside a step scope (`Tensor.StepScope`), which returns them at its end
/// and retires every raw tensor over them, so a held one raises instead of showing reused data. Outside a sweep and
/// a scope `Take` is `Array.zeroCreate`.
and [<AbstractClass; Sealed>] internal SweepBuffers =
    // Storage (array) -> number of adjoint slots holding it; null when no imperative sweep runs on this thread.
    [<ThreadStatic; DefaultValue>]
    static val mutable private live: Dictionary<obj, int>
    [<ThreadStatic; DefaultValue>]
    static val mutable private spare: Dictionary<obj, int>
    /// Arrays kept per element type and length (a training step needs a handful of each shape).
    static member PerLength = 32
    /// Elements (per element type) a thread keeps at most: 4 Mi, 16 MiB of float32.
    static member MaxKept = 4L * 1024L * 1024L
    /// Arrays shorter than this are not worth tracking.
    static member MinLength = 8

    // The open step scope's storages (null outside a scope): array -> ScopeState.Owned, ScopeState.Grad, ScopeState.Pinned or
    // ScopeState.Pushed. Only arrays taken while a recorded op computes its value (Capture) or inside an imperative sweep
    // enter it, so every raw tensor over them is an op's output, a sweep adjoint or a leaf's Grad.
    [<ThreadStatic; DefaultValue>]
    static val mutable private scope: Dictionary<obj, int>
    [<ThreadStatic; DefaultValue>]
    static val mutable private spareScope: Dictionary<obj, int>
    /// True while a recorded op computes its value inside a step scope (its fresh storage may be recycled).
    [<ThreadStatic; DefaultValue>]
    static val mutable private capture: bool
    /// An array of n zeros: inside an imperative sweep, or while a recorded op computes inside a step scope, a
    /// recycled one when available, tracked until the sweep or scope ends.
    static member Take<'T>(n: int) : 'T[] =
        // A replayed op's output lands in the storage its capture recorded.
        match CaptureState.TakeTarget<'T>(n, true) with
        | null -> SweepBuffers.TakeFresh<'T> n
        | a -> a
    /// `Take` for a kernel that writes every element: a replay target is handed over as it is (not cleared first).
    static member TakeUninitialized<'T>(n: int) : 'T[] =
        match CaptureState.TakeTarget<'T>(n, false) with
        | null -> SweepBuffers.TakeFresh<'T> n
        | a -> a
    /// An output array of n zeros outside sweeps and scopes: a replayed op's recorded storage, else a new array.
    static member Out<'T>(n: int) : 'T[] =
        match CaptureState.TakeTarget<'T>(n, true) with
        | null -> Array.zeroCreate n
        | a -> a
    /// An output array of n elements the caller overwrites completely: a replayed op's recorded storage, else a
    /// new array left uninitialised.
    static member OutUninitialized<'T>(n: int) : 'T[] =
        match CaptureState.TakeTarget<'T>(n, false) with
        | null -> GC.AllocateUninitializedArray<'T> n
        | a -> a
    static member private TakeFresh<'T>(n: int) : 'T[] =
        // Short arrays are never tracked: decided before any thread-static read, as tiny ops are all overhead.
        if n < SweepBuffers.MinLength then Array.zeroCreate n
        else
            let live = SweepBuffers.live
            let scope = SweepBuffers.scope
            let inScope = not (isNull scope) && (SweepBuffers.capture || not (isNull live))
            if isNull live && not inScope then Array.zeroCreate n
            else
                let a =
                    match FreeArrays<'T>.Pop n with
                    | null -> Array.zeroCreate n
                    | a ->
                        Array.Clear a
                        a
                if not (isNull live) then live.[box a] <- 0
                if inScope then scope.[box a] <- ScopeState.Owned
                a

    /// Whether a recorded op's value is being computed inside a step scope; returns the previous flag.
    static member SetCapture(on: bool) : bool =
        let prev = SweepBuffers.capture
        SweepBuffers.capture <- on
        prev
    /// True while a step scope is open on this thread.
    static member InScope = not (isNull SweepBuffers.scope)
    /// Opens a step scope's storage table.
    static member BeginScope() =
        let d = match SweepBuffers.spareScope with null -> Dictionary<obj, int>(HashIdentity.Reference) | d -> d
        SweepBuffers.spareScope <- null
        SweepBuffers.scope <- d
    /// True when the open step scope may recycle this storage.
    static member ScopeOwns(key: obj) =
        let scope = SweepBuffers.scope
        not (isNull scope) &&
            (match scope.TryGetValue key with
             | true, s -> s = ScopeState.Owned || s = ScopeState.Pushed
             | _ -> false)
    /// At the scope's end: returns an owned storage to the free lists once; true when the storage is recycled
    /// (then every raw tensor over it must be retired).
    static member Recycle(key: obj) : bool =
        let scope = SweepBuffers.scope
        match scope.TryGetValue key with
        | true, ScopeState.Owned ->
            scope.[key] <- ScopeState.Pushed
            match key with
            | :? (float32[]) as a -> FreeArrays<float32>.Push a |> ignore
            | :? (float[]) as a -> FreeArrays<float>.Push a |> ignore
            | _ -> ()
            true
        | true, ScopeState.Pushed -> true
        | _ -> false
    /// Closes the step scope's storage table.
    static member EndScope() =
        let d = SweepBuffers.scope
        SweepBuffers.scope <- null
        SweepBuffers.capture <- false
        if not (isNull d) then
            d.Clear()
            SweepBuffers.spareScope <- d
    /// The storage became a leaf's Grad: not recycled by the sweep; the scope keeps it unless the Grad is cleared.
    static member BecameGrad(key: obj) =
        let live = SweepBuffers.live
        if not (isNull live) then live.Remove key |> ignore
        let scope = SweepBuffers.scope
        if not (isNull scope) then
            match scope.TryGetValue key with
            | true, ScopeState.Owned -> scope.[key] <- ScopeState.Grad
            | _ -> ()
    /// A leaf's Grad made in this scope was cleared: its storage is the scope's again; true when it is.
    static member GradCleared(key: obj) : bool =
        let scope = SweepBuffers.scope
        not (isNull scope) &&
            (match scope.TryGetValue key with
             | true, ScopeState.Grad ->
                scope.[key] <- ScopeState.Owned
                true
             | _ -> false)
    /// The user keeps this storage past the scope: never recycle it.
    static member Pin(key: obj) =
        let scope = SweepBuffers.scope
        if not (isNull scope) && scope.ContainsKey key then scope.[key] <- ScopeState.Pinned

    /// Starts tracking for a sweep; returns the enclosing sweep's table, to give back to `End`.
    static member Begin() : Dictionary<obj, int> =
        let prev = SweepBuffers.live
        let mine = match SweepBuffers.spare with null -> Dictionary<obj, int>(HashIdentity.Reference) | d -> d
        SweepBuffers.spare <- null
        SweepBuffers.live <- mine
        prev

    /// Ends the sweep's tracking: arrays still tracked are left to their holders and the GC.
    static member End(prev: Dictionary<obj, int>) =
        let mine = SweepBuffers.live
        if not (isNull mine) then
            mine.Clear()
            SweepBuffers.spare <- mine
        SweepBuffers.live <- prev

    [<ThreadStatic; DefaultValue>]
    static val mutable private pending: Stack<obj>
    /// Keeps a used-up adjoint until the node's contributions are all placed.
    static member Defer(t: obj) =
        let mutable p = SweepBuffers.pending
        if isNull p then
            p <- Stack<obj>()
            SweepBuffers.pending <- p
        p.Push t
    /// How many deferred adjoints wait.
    static member PendingCount = match SweepBuffers.pending with null -> 0 | p -> p.Count
    /// The next deferred adjoint.
    static member TakePending() : obj = SweepBuffers.pending.Pop()

    /// One more adjoint slot holds this storage (a raw tensor's StorageKey).
    static member Assigned(key: obj) =
        let live = SweepBuffers.live
        if not (isNull live) then
            match live.TryGetValue key with
            | true, c -> live.[key] <- c + 1
            | _ -> ()

    /// The storage left the sweep's hands (a leaf's Grad, a recorded graph, a foreign rule): never recycle it.
    static member Escaped(key: obj) =
        let live = SweepBuffers.live
        if not (isNull live) then live.Remove key |> ignore
        SweepBuffers.Pin key

    /// One adjoint slot holding this storage was consumed; the last one returns the array for reuse.
    static member Released(key: obj) =
        let live = SweepBuffers.live
        if not (isNull live) then
            match live.TryGetValue key with
            | true, c when c > 1 -> live.[key] <- c - 1
            | true, _ ->
                live.Remove key |> ignore
                // Back in the free lists: no longer the step scope's to return.
                let scope = SweepBuffers.scope
                if not (isNull scope) then scope.Remove key |> ignore
                match key with
                | :? (float32[]) as a -> FreeArrays<float32>.Push a |> ignore
                | :? (float[]) as a -> FreeArrays<float>.Push a |> ignore
                | _ -> ()
            | _ -> ()
