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

/// Whether PyTorch-style (imperative) operations record a graph on this thread.
[<AbstractClass; Sealed>]
type GradMode =
    /// True unless inside a `NoGrad` scope.
    static member IsEnabled = NoGradExit.Depth = 0
    /// Enters a scope in which imperative leaves are treated as constants; dispose it to leave.
    static member NoGrad() : IDisposable =
        NoGradExit.Depth <- NoGradExit.Depth + 1
        NoGradExit.Instance :> IDisposable
